import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ManagedProcess, ROOT, testTmpDir, waitFor } from '@shop/harness';
import { derivedEventId } from '@shop/events';
import { EVENTS_ENV, manyLines, paidEvent, publish, startEnv, waitReady, waitRenderedPublished, type Env } from './helpers.js';

/**
 * The renderer as its own process (its composition root, src/index.ts), killed with SIGKILL while it
 * holds jobs: the unacknowledged deliveries come back after ACK_WAIT to the restarted process, and every
 * invoice ends READY with exactly one stored PDF, and exactly one `shop.invoice.rendered.v1` on the stream
 * (its id derived from the invoice id), so the messaging worker sends one invoice email per invoice.
 */
const ENTRY = join(ROOT, 'workers/invoice-renderer/src/index.ts');
let env: Env;
let proc: ManagedProcess | undefined;
let starts = 0;
let logDir: string;

async function startProcess(): Promise<ManagedProcess> {
  const port = await freePort();
  const { NODE_OPTIONS: _n, ...inherited } = process.env;
  const p = new ManagedProcess(
    'invoice-renderer',
    process.execPath,
    ['--conditions=shop-source', '--import', 'tsx', ENTRY],
    join(logDir, `renderer-${++starts}.log`),
    {
      ...inherited,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PORT: String(port),
      NATS_URL: env.nats!.url,
      INVOICE_URL: env.invoice.url,
      ACK_WAIT: '3s',
      ...EVENTS_ENV,
      RETRY_BUDGET: '1550ms',
    },
    ROOT,
  );
  await waitFor('the renderer to be healthy', async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.ok, {
    timeoutMs: 60_000,
    failFast: () => p.deathNotice(),
  });
  return p;
}

beforeAll(async () => {
  logDir = testTmpDir('invoice-renderer-crash');
  env = await startEnv();
  proc = await startProcess();
}, 180_000);
afterAll(async () => {
  await proc?.stop();
  await env?.close();
});

describe('renderer killed mid-job', () => {
  it('every invoice still ends READY with one PDF after a restart', async () => {
    const orders = Array.from({ length: 8 }, () => env.orders.add(manyLines(30)));
    await Promise.all(orders.map((o) => publish(env, paidEvent(o))));
    await waitFor(
      'jobs in flight',
      async () => (await env.jsm!.consumers.info('INVOICES', 'invoice-renderer--invoice-issued').catch(() => null))?.num_ack_pending,
      {
        intervalMs: 5,
      },
    );
    await proc!.kill('SIGKILL');
    const ids = (await env.invoice.models.Invoice.find({ orderId: { $in: orders.map((o) => o.id) } }, { _id: 1 }).lean()).map((i) => i._id);
    expect(await env.invoice.models.Pdf.countDocuments({ _id: { $in: ids } })).toBeLessThan(8);
    proc = await startProcess();
    const invoices = await waitReady(
      env,
      orders.map((o) => o.id),
      90_000,
    );
    for (const i of invoices) expect(await env.invoice.models.Pdf.countDocuments({ _id: i._id })).toBe(1);

    // One rendered event per invoice, with the derived id: one invoice email per invoice.
    const invoiceIds = invoices.map((i) => i._id);
    const rendered = await waitRenderedPublished(env, invoiceIds);
    const perInvoice = new Map<string, number>();
    for (const m of rendered) perInvoice.set(m.invoiceId, (perInvoice.get(m.invoiceId) ?? 0) + 1);
    expect([...perInvoice.keys()].sort()).toEqual([...invoiceIds].sort());
    for (const id of invoiceIds) expect(perInvoice.get(id), `rendered events of ${id}`).toBe(1);
    for (const m of rendered) {
      const expected = derivedEventId(`invoice.rendered:${m.invoiceId}`);
      expect(m.msgId).toBe(expected);
      expect(m.eventId).toBe(expected);
    }
    expect(new Set(rendered.map((m) => m.msgId)).size).toBe(invoiceIds.length);
  });
});
