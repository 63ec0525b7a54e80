import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@shop/harness';
import { listDeadLetters } from '@shop/events';
import {
  createProduct,
  mutate,
  orderEvents,
  placeOrder,
  publish,
  startServices,
  waitForAck,
  waitForEvents,
  type Services,
} from './helpers.js';

let s: Services;

beforeAll(async () => {
  s = await startServices();
});
afterAll(() => s?.close());

const transitions = (orderId: string) => s.order.models.Transition.find({ orderId }).sort({ version: 1 }).lean();
const succeeded = (orderId: string, amount: number, currency = 'USD') =>
  publish(s, 'shop.payment.succeeded.v1', {
    paymentId: randomUUID(),
    orderId,
    amount,
    currency,
    providerReference: `ch_${randomUUID().slice(0, 6)}`,
  });
const deadLetters = async (durable: string) =>
  (await listDeadLetters(s.jsm!, { consumer: durable })).map((d) => ({ eventId: d.eventId, kind: d.kind, error: d.error }));

describe('consuming payment events', () => {
  it('marks an order PAID on shop.payment.succeeded.v1 and publishes exactly one shop.order.paid.v1', async () => {
    const p = await createProduct(s, { price: 1234 });
    const order = await placeOrder(s, [{ productId: p, quantity: 1 }]);
    const { event } = await succeeded(order.id, order.total.amount);
    await waitFor('PAID', async () => (await s.order.store.get(order.id))?.status === 'PAID');

    const [paid, ...more] = await waitForEvents(s, 'shop.order.paid.v1', order.id);
    expect(more).toEqual([]);
    expect(paid).toMatchObject({
      type: 'shop.order.paid.v1',
      source: 'order',
      correlationId: event.correlationId,
      data: { orderId: order.id, number: order.number, paymentId: event.data.paymentId, total: order.total.amount, currency: 'USD' },
    });
    const [record] = await transitions(order.id);
    expect(record).toMatchObject({
      version: 1,
      from: 'PENDING_PAYMENT',
      status: 'PAID',
      sourceEventId: event.id,
      paymentId: event.data.paymentId,
    });
  });

  it('records a payment delivered twice once: one PAID transition, one order.paid', async () => {
    const p = await createProduct(s);
    const order = await placeOrder(s, [{ productId: p, quantity: 1 }]);
    const { event } = await succeeded(order.id, order.total.amount);
    // the same event again, as a redelivery past JetStream's duplicate window would bring it
    const { seq } = await publish(s, 'shop.payment.succeeded.v1', event.data, { event, msgID: `again:${event.id}` });
    await waitForAck(s, 'PAYMENTS', 'order--payment-succeeded', seq);
    expect((await transitions(order.id)).map((t) => t.status)).toEqual(['PAID']);
    await waitForEvents(s, 'shop.order.paid.v1', order.id);
    expect(await orderEvents(s, 'shop.order.paid.v1', order.id)).toHaveLength(1);
  });

  it('records nothing for a payment of an order that is no longer payable (payment refunds it)', async () => {
    const p = await createProduct(s);
    const order = await placeOrder(s, [{ productId: p, quantity: 1 }]);
    await mutate(s, 'cancel', { id: order.id });
    const { seq } = await succeeded(order.id, order.total.amount);
    await waitForAck(s, 'PAYMENTS', 'order--payment-succeeded', seq);
    expect((await transitions(order.id)).map((t) => t.status)).toEqual(['CANCELLED']);
    expect(await orderEvents(s, 'shop.order.paid.v1', order.id)).toEqual([]);

    // a second, different payment of an order already PAID changes nothing either
    const other = await placeOrder(s, [{ productId: p, quantity: 1 }]);
    const first = await succeeded(other.id, other.total.amount);
    await waitFor('PAID', async () => (await s.order.store.get(other.id))?.status === 'PAID');
    const second = await succeeded(other.id, other.total.amount);
    await waitForAck(s, 'PAYMENTS', 'order--payment-succeeded', second.seq);
    const records = await transitions(other.id);
    expect(records.map((t) => [t.status, t.paymentId])).toEqual([['PAID', first.event.data.paymentId]]);
  });

  it('dead-letters a payment for an unknown order or of the wrong amount, changing nothing', async () => {
    const p = await createProduct(s, { price: 1000 });
    const order = await placeOrder(s, [{ productId: p, quantity: 1 }]);
    const unknown = await succeeded(randomUUID(), 1200);
    const wrong = await succeeded(order.id, order.total.amount - 1);
    const euro = await succeeded(order.id, order.total.amount, 'EUR');
    await waitFor('three dead letters', async () => ((await deadLetters('order--payment-succeeded')).length >= 3 ? true : undefined));
    const letters = await deadLetters('order--payment-succeeded');
    expect(letters).toEqual(
      expect.arrayContaining([
        { eventId: unknown.event.id, kind: 'permanent', error: expect.stringContaining('does not exist') },
        { eventId: wrong.event.id, kind: 'permanent', error: expect.stringContaining('does not match order total') },
        { eventId: euro.event.id, kind: 'permanent', error: expect.stringContaining('does not match order total') },
      ]),
    );
    expect(await transitions(order.id)).toEqual([]);
    expect((await s.order.store.get(order.id))!.status).toBe('PENDING_PAYMENT');
  });

  it('adds a refund to the timeline as a note, once, keeping the status', async () => {
    const p = await createProduct(s, { price: 2500 });
    const order = await placeOrder(s, [{ productId: p, quantity: 1 }]);
    const { event: payment } = await succeeded(order.id, order.total.amount);
    await waitFor('PAID', async () => (await s.order.store.get(order.id))?.status === 'PAID');
    await mutate(s, 'cancel', { id: order.id });
    const refund = { paymentId: payment.data.paymentId, orderId: order.id, amount: 3000, refundedTotal: 3000, currency: 'USD' };
    const { event } = await publish(s, 'shop.payment.refunded.v1', refund);
    const { seq } = await publish(s, 'shop.payment.refunded.v1', refund, { event, msgID: `again:${event.id}` });
    await waitForAck(s, 'PAYMENTS', 'order--payment-refunded', seq);

    const state = (await s.order.store.get(order.id))!;
    expect(state.status).toBe('CANCELLED');
    expect(state.timeline.map((e) => [e.status, e.note])).toEqual([
      ['PENDING_PAYMENT', 'Order placed'],
      ['PAID', `Paid (payment ${payment.data.paymentId})`],
      ['CANCELLED', 'Cancelled by the customer'],
      ['CANCELLED', `Refunded $30.00 of payment ${payment.data.paymentId} ($30.00 refunded in total)`],
    ]);
    const note = (await transitions(order.id)).at(-1)!;
    expect(note).toMatchObject({ kind: 'NOTE', from: 'CANCELLED', status: 'CANCELLED', sourceEventId: event.id, event: null });
    expect(note.publishedAt).toBeInstanceOf(Date);
    // a note is not a status change: listings by status still see the order as CANCELLED
    const cancelled = await s.order.models.Transition.countDocuments({ orderId: order.id, kind: 'STATUS', status: 'CANCELLED' });
    expect(cancelled).toBe(1);
    expect(await deadLetters('order--payment-refunded')).toEqual([]);
  });
});
