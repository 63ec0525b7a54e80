import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBroker, waitFor, type NatsInstance } from '@shop/harness';
import { readMails } from '../scripts/src/chaos/facts.js';
import { startOtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.js';
import { tracedPurchase } from './support/traced-purchase.js';
import { startSystem, type System } from './support/system.js';

/**
 * Issue 12 §1: every process of `npm start` exports OTLP (JSON, to the test's receiver); one checkout and
 * its payment, sent by a client that propagates one `traceparent` for the purchase (as an instrumented
 * client does), make one trace whose tree runs from the gateway through the order subgraph's checkout,
 * product's reservation, the outbox publish, invoice's `order.paid` handling and the render, to the
 * invoice email: asserted by span names and parent links.
 */
let nats: NatsInstance;
let system: System;
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let failed = false;
let traceIdOf = '';

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  nats = await startBroker('test');
  system = await startSystem({
    mongoUrl: inject('mongoUrl'),
    natsUrl: nats.url,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '200' },
  });
}, 300_000);

afterAll(async () => {
  if (failed && system) process.stderr.write(`tracing.e2e.ts failed; the services' logs are kept in ${system.logs}\n`);
  await system?.stop(failed);
  await nats?.stop();
  await receiver?.close();
});

/** The chain of names from a span up to the first span whose parent is not in the trace. */
function ancestry(spans: ReceivedSpan[], span: ReceivedSpan): string[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const names: string[] = [];
  for (let s: ReceivedSpan | undefined = span; s; s = byId.get(s.parentSpanId)) names.push(`${s.service}:${s.name}`);
  return names;
}

describe('one purchase is one trace across the gateway, the subgraphs, NATS, the renderer and messaging', () => {
  it('links checkout, reservation, publish, order.paid in invoice, the render and the invoice email into one tree', async () => {
    try {
      const { traceId, order } = await tracedPurchase(system, 'trace');
      traceIdOf = traceId;

      const inTrace = () => receiver.spans.filter((s) => s.traceId === traceId);
      const find = (service: string, name: string) => inTrace().find((s) => s.service === service && s.name === name);
      const email_ = await waitFor(
        'the invoice email span in the purchase trace',
        () =>
          inTrace().find(
            (s) => s.service === 'messaging' && s.name === 'send email' && s.attributes['shop.event.type'] === 'shop.invoice.rendered.v1',
          ),
        { timeoutMs: 90_000, intervalMs: 250, failFast: () => system.unexpectedExit() },
      );
      const spans = inTrace();

      const checkout = find('order', 'order checkout')!;
      expect(checkout.attributes['shop.order.number']).toBe(order.number);
      // The gateway's operation is above the subgraph's server span, which is above the checkout.
      expect(ancestry(spans, checkout).some((n) => n.startsWith('gateway:'))).toBe(true);
      expect(ancestry(spans, find('product', 'product reservation')!)).toContain('order:order checkout');

      // Across NATS: order.paid's publish in order, its handling in invoice as a child of that publish.
      const publish = find('order', 'shop.order.paid.v1 publish')!;
      const handled = find('invoice', 'shop.order.paid.v1 process')!;
      expect(handled.parentSpanId).toBe(publish.spanId);

      const render = find('invoice-renderer', 'render invoice')!;
      expect(ancestry(spans, render)).toEqual(
        expect.arrayContaining(['invoice:shop.order.paid.v1 process', 'order:shop.order.paid.v1 publish']),
      );
      const children = spans.filter((s) => s.parentSpanId === render.spanId).map((s) => s.name);
      expect(children).toEqual(expect.arrayContaining(['chromium setContent', 'chromium pdf']));

      expect(String(email_.attributes['shop.message_id'])).toMatch(/@/);
      // The email's chain runs back through the render job, both NATS hops and the payment webhook to the
      // gateway's payOrder operation: one trace from the GraphQL request to the email.
      expect(ancestry(spans, email_)).toEqual(
        expect.arrayContaining([
          'messaging:shop.invoice.rendered.v1 process',
          'invoice:shop.invoice.rendered.v1 publish',
          'invoice-renderer:shop.invoice.issued.v1 process',
          'invoice:shop.order.paid.v1 process',
          'order:shop.order.paid.v1 publish',
          'order:shop.payment.succeeded.v1 process',
          'payment:shop.payment.succeeded.v1 publish',
          'gateway:gateway.request',
        ]),
      );
      expect(render.parentSpanId).toBe(find('invoice-renderer', 'shop.invoice.issued.v1 process')!.spanId);

      // Database commands of a sampled trace keep their statement, values scrubbed (only unsampled traces skip
      // serializing it: docs/design.md §11, Cost).
      const statements = spans.filter((s) => s.attributes['db.system.name'] === 'mongodb' && 'db.query.text' in s.attributes);
      expect(statements.map((s) => s.service)).toEqual(expect.arrayContaining(['order', 'product']));
      for (const s of statements) expect(String(s.attributes['db.query.text'])).toMatch(/^\{.*"\?"/);
    } catch (err) {
      failed = true;
      const seen = receiver.spans.map((s) => `${s.traceId.slice(0, 8)} ${s.spanId} ← ${s.parentSpanId || '-'} ${s.service}:${s.name}`);
      process.stderr.write(`spans received (client trace ${traceIdOf}):\n${seen.join('\n')}\n`);
      throw err;
    }
  }, 180_000);

  it('a purchase whose client says "not sampled" exports no span from any process: every hop hands the decision on', async () => {
    // The processes sample every new trace here (parentbased_always_on): a hop that lost the decision
    // (a call or an event without the unsampled traceparent) would start a recorded trace of its own.
    const strays = () => receiver.spans.filter((s) => s.traceId !== traceIdOf);
    const before = new Set(strays().map((s) => s.spanId));
    const { email } = await tracedPurchase(system, 'quiet', { sampled: false });
    await waitFor(
      'the invoice email (with its PDF), the last hop',
      () => readMails(system.mailDir).some((m) => m.to === email && m.hasPdf),
      {
        timeoutMs: 90_000,
        intervalMs: 250,
        failFast: () => system.unexpectedExit(),
      },
    );
    // Spans are exported in batches every 200 ms here: give the last ones time to arrive.
    await new Promise((r) => setTimeout(r, 1_500));
    const leaked = strays().filter((s) => !before.has(s.spanId));
    expect(leaked.map((s) => `${s.service}:${s.name}`)).toEqual([]);
  }, 180_000);
});
