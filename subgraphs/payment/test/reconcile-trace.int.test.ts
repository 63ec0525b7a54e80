import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@shop/harness';
import { recordEdgeSampledTraces, type RecordedTraces } from '@shop/kit/tracing-testing';
import { pay, placeOrder, startServices, type Services } from './helpers.js';

/**
 * Under edge sampling (docs/design.md §11, "Cost") the reconciler's work on one payment is a new trace of
 * its own, drawn at the ratio (here every one): a payment whose webhooks never arrive (`tok_webhook_lost`)
 * is settled in a `payment reconciliation` span, and the record it appends hands that trace on to
 * `payment.succeeded` through the outbox. The payOrder call came in with no span around it (no http
 * instrumentation here: a request that was not sampled).
 */
let traces: RecordedTraces;
let s: Services;

beforeAll(async () => {
  traces = recordEdgeSampledTraces();
  s = await startServices({ payment: { PAYMENT_RECONCILE_AFTER: '2s', PAYMENT_RECONCILE_INTERVAL: '200ms' } });
});
afterAll(async () => {
  await s?.close();
  await traces?.stop();
});

describe('payment reconciliation under edge sampling', () => {
  it('settles a payment in a trace of its own, which the appended record hands on to payment.succeeded', async () => {
    const order = await placeOrder(s);
    const { payment } = await pay(s, order.id, 'tok_webhook_lost');
    const succeeded = await waitFor(
      'the reconciler to record SUCCEEDED',
      async () => (await s.payment.store.m.Record.collection.findOne({ paymentId: payment!.id, status: 'SUCCEEDED' })) ?? undefined,
      { timeoutMs: 30_000 },
    );
    // The pass that wrote the record ends once it returns.
    const passes = await waitFor('the reconciliation span', () => {
      const ended = traces.exporter
        .getFinishedSpans()
        .filter((span) => span.name === 'payment reconciliation' && span.attributes['shop.payment.id'] === payment!.id);
      return ended.length ? ended : undefined;
    });
    for (const pass of passes) expect(pass.parentSpanContext).toBeUndefined();
    // The record was written inside one of those passes, in a sampled trace.
    const traceparent = (succeeded.trace as { traceparent?: string } | null)?.traceparent;
    expect(traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
    expect(passes.map((pass) => pass.spanContext().traceId)).toContain(traceparent!.split('-')[1]);
  });
});
