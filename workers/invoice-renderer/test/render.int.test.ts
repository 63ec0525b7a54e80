import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, derivedEventId } from '@shop/events';
import { formatMoney } from '@shop/money';
import { listen, type RunningServer } from '@shop/kit';
import { waitFor } from '@shop/harness';
import { loadConfig as gatewayConfig, invoicePdfRoute } from '@shop/gateway';
import { loadConfig, startRenderer, type Renderer } from '../src/lib.js';
import http from 'node:http';
import {
  client,
  EVENTS_ENV,
  log,
  manyLines,
  paidEvent,
  pdfFacts,
  PDF_LINK_SECRET,
  publish,
  startEnv,
  streamEvents,
  waitReady,
  waitRenderedPublished,
  type Env,
} from './helpers.js';

// Real Chromium (launched with the harness's isolating options), the invoice service, and this file's own
// nats-server (the durable names are the production ones).
let env: Env;
let renderer: Renderer;
let gateway: RunningServer;

beforeAll(async () => {
  env = await startEnv();
  renderer = await startRenderer(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      NATS_URL: env.nats!.url,
      INVOICE_URL: env.invoice.url,
      RENDER_CONCURRENCY: '2',
      PAGE_RECYCLE_JOBS: '3',
      ...EVENTS_ENV,
    }),
    env.nc!,
    log('renderer'),
  );
  // The gateway's PDF route alone, in front of this invoice service.
  const config = gatewayConfig({
    NODE_ENV: 'test',
    APOLLO_TELEMETRY_DISABLED: '1',
    PDF_LINK_SECRET,
    INVOICE_URL: env.invoice.url,
  });
  const app = express();
  app.get('/invoices/:file', invoicePdfRoute({ config, log: log('gateway'), invoiceUrl: () => config.INVOICE_URL }));
  gateway = await listen(http.createServer(app), 0, '127.0.0.1');
}, 180_000);
afterAll(async () => {
  await gateway?.close();
  await renderer?.stop();
  await env?.close();
});

const pdfOf = async (invoiceId: string) => (await env.invoice.pdfs.get(invoiceId))!.data;
const gql = (query: string, variables: Record<string, unknown>) => client(env.invoice.url)(query, variables);

describe('rendering', () => {
  it('order.paid → issued → rendered → READY: an A4 PDF with the number, every line and the total, over several pages for 60 lines', async () => {
    const order = env.orders.add(manyLines(60));
    await publish(env, paidEvent(order));
    const [invoice] = await waitReady(env, [order.id]);
    const pdf = await pdfOf(invoice!._id);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { text, pages } = pdfFacts(pdf);
    expect(pages).toBeGreaterThan(1);
    expect(text).toContain(invoice!.number);
    for (const line of order.lines) {
      expect(text).toContain(line.sku);
      expect(text).toContain(line.name);
    }
    expect(text).toContain(formatMoney({ amount: invoice!.total, currency: 'USD' }));
    expect(text).toContain(formatMoney({ amount: invoice!.tax, currency: 'USD' }));
    expect(text).toMatch(new RegExp(`Page 1 of ${pages}`));
    const rendered = await waitFor('invoice.rendered', async () => {
      const found = (await streamEvents(env, 'shop.invoice.rendered.v1', 'INVOICES')).filter(
        (e) => (e.data as { invoiceId: string }).invoiceId === invoice!._id,
      );
      return found.length ? found : undefined;
    });
    expect(rendered).toHaveLength(1);
    expect(rendered[0]!.data).toMatchObject({ number: invoice!.number, bytes: pdf.length });
    const status = (await gql(`query ($id: ID!) { invoice(id: $id) { status pdfUrl } }`, { id: invoice!._id })).data!.invoice;
    expect(status.status).toBe('READY');
  });

  it('rendering again overwrites the one stored PDF and publishes no second invoice.rendered', async () => {
    const order = env.orders.add(manyLines(3));
    await publish(env, paidEvent(order));
    const [invoice] = await waitReady(env, [order.id]);
    const first = await env.invoice.models.Pdf.findById(invoice!._id, { storedAt: 1 }).lean();
    await publish(
      env,
      createEvent(
        'shop.invoice.issued.v1',
        { invoiceId: invoice!._id, orderId: order.id, number: invoice!.number },
        { source: 'test', correlationId: 'again' },
      ),
    );
    await waitFor('a second rendering', async () => {
      const doc = await env.invoice.models.Pdf.findById(invoice!._id, { storedAt: 1 }).lean();
      return doc && doc.storedAt.getTime() > first!.storedAt.getTime();
    });
    expect(await env.invoice.models.Pdf.countDocuments({ _id: invoice!._id })).toBe(1);
    await env.events!.relay.flush();
    const rendered = (await streamEvents(env, 'shop.invoice.rendered.v1', 'INVOICES')).filter(
      (e) => (e.data as { invoiceId: string }).invoiceId === invoice!._id,
    );
    expect(rendered).toHaveLength(1);
  });

  it('Chromium killed mid-render: it is relaunched and every invoice still ends READY with one PDF', async () => {
    const orders = Array.from({ length: 6 }, () => env.orders.add(manyLines(40)));
    const launches = renderer.pool.launches;
    await Promise.all(orders.map((o) => publish(env, paidEvent(o))));
    // Kill as soon as Chromium is busy with the first of them.
    await waitFor(
      'a render in progress',
      async () => (await env.jsm!.consumers.info('INVOICES', 'invoice-renderer--invoice-issued')).num_ack_pending > 0,
      { intervalMs: 5 },
    );
    expect(
      await env.invoice.models.Pdf.countDocuments({
        _id: {
          $in: (await env.invoice.models.Invoice.find({ orderId: { $in: orders.map((o) => o.id) } }, { _id: 1 }).lean()).map((i) => i._id),
        },
      }),
    ).toBeLessThan(6);
    const pid = renderer.pool.pid();
    expect(pid).toBeTypeOf('number');
    process.kill(pid!, 'SIGKILL');
    const invoices = await waitReady(
      env,
      orders.map((o) => o.id),
      90_000,
    );
    expect(renderer.pool.launches).toBeGreaterThan(launches);
    for (const i of invoices) {
      expect(await env.invoice.models.Pdf.countDocuments({ _id: i._id })).toBe(1);
      expect((await pdfOf(i._id)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    }
    // One rendered event per invoice, with the derived id: one invoice email per invoice. Other tests
    // here publish rendered events too, so only this test's invoices are counted.
    const invoiceIds = invoices.map((i) => i._id);
    const rendered = (await waitRenderedPublished(env, invoiceIds)).filter((m) => invoiceIds.includes(m.invoiceId));
    for (const id of invoiceIds) {
      const mine = rendered.filter((m) => m.invoiceId === id);
      expect(mine, `rendered events of ${id}`).toHaveLength(1);
      expect(mine[0]!.msgId).toBe(derivedEventId(`invoice.rendered:${id}`));
    }
  });
});

describe('signed PDF links through the gateway', () => {
  it('a valid link serves application/pdf; tampered, expired or foreign links are refused; unknown is 404', async () => {
    const order = env.orders.add(manyLines(2), 'alice');
    await publish(env, paidEvent(order));
    const [invoice] = await waitReady(env, [order.id]);
    const { ADMIN, CUSTOMER, OTHER_CUSTOMER, postGraphQL } = await import('@shop/harness');
    const link = async (caller: typeof ADMIN) =>
      (
        await postGraphQL<any>(
          env.invoice.url,
          { query: `query ($id: ID!) { invoice(id: $id) { pdfUrl } }`, variables: { id: invoice!._id } },
          { caller },
        )
      ).data!.invoice;
    expect(await link(OTHER_CUSTOMER)).toBeNull();
    const pdfUrl = new URL((await link(CUSTOMER)).pdfUrl as string);
    const at = (u: URL) => fetch(`${gateway.url}${u.pathname}${u.search}`);

    const ok = await at(pdfUrl);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await ok.arrayBuffer()).equals(await pdfOf(invoice!._id))).toBe(true);

    const tampered = new URL(pdfUrl);
    const sig = tampered.searchParams.get('sig')!;
    tampered.searchParams.set('sig', `${sig[0] === 'a' ? 'b' : 'a'}${sig.slice(1)}`);
    expect((await at(tampered)).status).toBe(403);
    const longer = new URL(pdfUrl);
    longer.searchParams.set('exp', String(Number(pdfUrl.searchParams.get('exp')) + 3600));
    expect((await at(longer)).status).toBe(403);
    const other = new URL(pdfUrl);
    other.pathname = `/invoices/${order.id}.pdf`;
    expect((await at(other)).status).toBe(403);

    const { signedPdfUrl } = await import('@shop/invoice');
    const expired = new URL(signedPdfUrl('http://x', PDF_LINK_SECRET, invoice!._id, 15 * 60_000, Date.now() - 16 * 60_000));
    expect((await at(expired)).status).toBe(403);
    const unknown = new URL(signedPdfUrl('http://x', PDF_LINK_SECRET, '2b1f9ad4-5c0e-4b8a-9d7e-3f6a1c2b4d5e', 60_000));
    expect((await at(unknown)).status).toBe(404);
    expect((await fetch(`${gateway.url}/invoices/whatever.pdf`)).status).toBe(404);
    void ADMIN;
  });
});
