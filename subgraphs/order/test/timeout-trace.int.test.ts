import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUnsampledTraceparent } from '@shop/kit';
import { recordEdgeSampledTraces, type RecordedTraces } from '@shop/kit/tracing-testing';
import { createProduct, placeOrder, startServices, type Services } from './helpers.js';

/**
 * Under edge sampling (docs/design.md §11, "Cost") the payment-timeout sweeper's cancellation of an order
 * is a new trace of its own, drawn at the ratio (here every one), named so that `npm run trace -- <order
 * number>` finds it, and `order.cancelled` continues it through the outbox. The checkout before it came in
 * with no span around it (no http instrumentation here: a request that was not sampled), so it records
 * nothing and its `order.placed` record says "not sampled".
 */
const MINUTE = 60_000;
let traces: RecordedTraces;
let s: Services;

beforeAll(async () => {
  traces = recordEdgeSampledTraces();
  s = await startServices({ events: false });
});
afterAll(async () => {
  await s?.close();
  await traces?.stop();
});

describe('payment timeout under edge sampling', () => {
  it('cancels in a trace of its own, carrying the order number, which order.cancelled continues', async () => {
    const p = await createProduct(s, { initialStock: 2 });
    const order = await placeOrder(s, [{ productId: p, quantity: 1 }]);
    expect(traces.exporter.getFinishedSpans()).toEqual([]);
    const placed = await s.order.models.Order.collection.findOne({ _id: order.id as never });
    expect(isUnsampledTraceparent((placed!.trace as { traceparent?: string }).traceparent)).toBe(true);

    expect(await s.order.sweep(new Date(Date.now() + 31 * MINUTE))).toBe(1);
    const spans = traces.exporter.getFinishedSpans().filter((span) => span.name === 'order payment timeout');
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.attributes).toMatchObject({ 'shop.order.id': order.id, 'shop.order.number': order.number });
    const cancelled = await s.order.models.Transition.collection.findOne({ orderId: order.id, 'event.type': 'shop.order.cancelled.v1' });
    const { traceId, spanId } = span.spanContext();
    expect(cancelled?.trace).toMatchObject({ traceparent: `00-${traceId}-${spanId}-01` });
  });
});
