import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@shop/kit';
import { ADMIN, waitFor } from '@shop/harness';
import { startOutboxRelay } from '@shop/events';
import { orderOutbox } from '../src/events.js';
import { createProduct, mutate, orderEvents, placeOrder, startServices, type Services } from './helpers.js';

let s: Services;
const log = createLogger('relay', 'silent');

beforeAll(async () => {
  s = await startServices();
});
afterAll(() => s?.close());

describe('publishing through the outbox', () => {
  it('publishes what was written while no relay ran, in order, exactly once — also after a crash between publish and mark', async () => {
    await s.orderEvents!.relay.stop(); // "the order service died right after writing"
    const p = await createProduct(s);
    const order = await placeOrder(s, [{ productId: p, quantity: 1 }]);
    await mutate(s, 'cancel', { id: order.id });
    expect(await orderEvents(s, 'shop.order.placed.v1', order.id)).toEqual([]);
    expect(await s.order.models.Transition.countDocuments({ orderId: order.id, publishedAt: null })).toBe(1);

    const relay = startOutboxRelay({ store: orderOutbox(s.order.models), js: s.js!, log, intervalMs: 100 }); // "after a restart"
    await relay.flush();
    const placed = await orderEvents(s, 'shop.order.placed.v1', order.id);
    const cancelled = await orderEvents(s, 'shop.order.cancelled.v1', order.id);
    expect(placed).toHaveLength(1);
    expect(cancelled).toHaveLength(1);
    expect(Date.parse(placed[0]!.occurredAt)).toBeLessThanOrEqual(Date.parse(cancelled[0]!.occurredAt));
    const seqOf = async (subject: string) => (await s.jsm!.streams.getMessage('ORDERS', { last_by_subj: subject }))!.seq;
    expect(await seqOf('shop.order.placed.v1')).toBeLessThan(await seqOf('shop.order.cancelled.v1'));
    expect((await s.order.models.Order.findById(order.id).lean())!.publishedAt).toBeInstanceOf(Date);

    // a crash after publishing but before marking: the records are pending again, the relay publishes them again,
    // and JetStream drops the copies (same Nats-Msg-Id = event id)
    const unmarked = { $set: { publishedAt: null, unpublished: true } };
    await s.order.models.Order.collection.updateOne({ _id: order.id as never }, unmarked);
    await s.order.models.Transition.collection.updateMany({ orderId: order.id, event: { $ne: null } }, unmarked);
    relay.kick();
    await relay.flush();
    await relay.stop();
    expect(await orderEvents(s, 'shop.order.placed.v1', order.id)).toHaveLength(1);
    expect(await orderEvents(s, 'shop.order.cancelled.v1', order.id)).toHaveLength(1);
    // and product released the stock once
    await waitFor('stock back', async () => (await s.product.models.Movement.countDocuments({ orderId: order.id, kind: 'RELEASE' })) === 1);
  });

  it('leaves nothing pending once the relay has run', async () => {
    const relay = startOutboxRelay({ store: orderOutbox(s.order.models), js: s.js!, log, intervalMs: 100 });
    s.order.store.onRecorded = () => relay.kick();
    const p = await createProduct(s);
    const order = await placeOrder(s, [{ productId: p, quantity: 1 }]);
    await mutate(s, 'cancel', { id: order.id }, ADMIN);
    await relay.flush();
    await relay.stop();
    expect(await orderOutbox(s.order.models).pending(10)).toEqual([]);
  });
});
