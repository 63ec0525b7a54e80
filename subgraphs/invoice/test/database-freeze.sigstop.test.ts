import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startFerretDb, testTmpDir, waitFor, type DatabaseInstance } from '@shop/harness';
import { paidEvent, publish, startEnv, type Env } from './helpers.js';

/**
 * The database frozen (SIGSTOP) for 60 s while 20 paid orders wait for their invoices, with the
 * production retry settings (no RETRY_* override). The database is a FerretDB of this file's own, so
 * freezing it stops no other suite. (The order subgraph killed for 90 s is e2e/outages.e2e.ts.)
 */

const ORDERS = 20;
let dir: string;
let db: DatabaseInstance;
let env: Env;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dlqSize = async () => (await env.jsm!.streams.info('DLQ')).state.messages;
const invoicesFor = (orderIds: string[]) => env.invoice.models.Invoice.countDocuments({ orderId: { $in: orderIds } });

beforeAll(async () => {
  dir = testTmpDir('invoice-freeze-');
  db = await startFerretDb({ dataDir: join(dir, 'db'), logFile: join(dir, 'ferretdb.log') });
  env = await startEnv({ mongoUrl: db.url, eventsEnv: {} });
});

afterAll(async () => {
  await env?.close();
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('invoice issuing through a frozen database, default retry settings', () => {
  it('the database frozen (SIGSTOP) for 60 s while order.paid is handled: every invoice is issued soon after SIGCONT', async () => {
    const pid = db.process!.pid!;
    let frozen = false;
    onTestFinished(() => {
      if (frozen) process.kill(pid, 'SIGCONT');
    });
    const paid = Array.from({ length: ORDERS }, (_, i) => env.orders.add([{ unitPrice: 1000 + i, quantity: 1 + (i % 3) }]));
    process.kill(pid, 'SIGSTOP');
    frozen = true;
    for (const order of paid) await publish(env, paidEvent(order));
    await waitFor('handlers to hold deliveries against the frozen database', async () => {
      const info = await env.jsm!.consumers.info('ORDERS', 'invoice--order-paid');
      return info.num_ack_pending > 0 ? true : undefined;
    });
    // The freeze's length is what is under test: longer than the old retry schedule.
    await sleep(60_000);
    process.kill(pid, 'SIGCONT');
    frozen = false;
    await waitFor('all 20 invoices', async () => ((await invoicesFor(paid.map((o) => o.id))) === ORDERS ? true : undefined), {
      timeoutMs: 150_000,
      intervalMs: 500,
    });
    expect(await dlqSize()).toBe(0);
  }, 300_000);
});
