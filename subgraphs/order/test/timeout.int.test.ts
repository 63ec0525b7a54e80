import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@shop/kit';
import { waitFor } from '@shop/harness';
import { loadConfig } from '../src/config.js';
import { startOrderSweeper } from '../src/server.js';
import { available, createProduct, movementsOf, placeOrder, publish, startServices, waitForEvents, type Services } from './helpers.js';

const MINUTE = 60_000;

describe('payment timeout (sweep)', () => {
  let s: Services;
  beforeAll(async () => {
    s = await startServices();
  });
  afterAll(() => s?.close());

  it('cancels orders still unpaid after ORDER_PAYMENT_TIMEOUT, gives their stock back, and leaves paid ones alone', async () => {
    const p = await createProduct(s, { initialStock: 10 });
    const unpaid = await placeOrder(s, [{ productId: p, quantity: 3 }]);
    const paid = await placeOrder(s, [{ productId: p, quantity: 2 }]);
    await publish(s, 'shop.payment.succeeded.v1', {
      paymentId: randomUUID(),
      orderId: paid.id,
      amount: paid.total.amount,
      currency: 'USD',
      providerReference: 'ch_1',
    });
    await waitFor('PAID', async () => (await s.order.store.get(paid.id))?.status === 'PAID');
    expect(await available(s, p)).toBe(5);

    expect(await s.order.sweep(new Date(Date.now() + 29 * MINUTE))).toBe(0);
    expect((await s.order.store.get(unpaid.id))!.status).toBe('PENDING_PAYMENT');

    expect(await s.order.sweep(new Date(Date.now() + 31 * MINUTE))).toBe(1);
    const state = (await s.order.store.get(unpaid.id))!;
    expect(state.status).toBe('CANCELLED');
    expect(state.timeline.at(-1)!.note).toBe('Cancelled: payment not received within 30 min');
    expect(state.records.at(-1)).toMatchObject({ actor: 'system', from: 'PENDING_PAYMENT' });
    expect((await s.order.store.get(paid.id))!.status).toBe('PAID');

    const [cancelled] = await waitForEvents(s, 'shop.order.cancelled.v1', unpaid.id);
    expect(cancelled!.data).toMatchObject({ reason: 'PAYMENT_TIMEOUT', wasPaid: false, lines: [{ productId: p, quantity: 3 }] });
    await waitFor('the stock to come back', async () => (await available(s, p)) === 8);
    expect((await movementsOf(s, unpaid.id)).map((m) => m.kind)).toEqual(['RESERVATION', 'RELEASE']);

    // settled: later sweeps do nothing more
    expect(
      await s.order.models.Deadline.countDocuments({ _id: { $in: [unpaid.id, paid.id] }, sweptAt: { $ne: null }, unswept: false }),
    ).toBe(2);
    expect(await s.order.sweep(new Date(Date.now() + 60 * MINUTE))).toBe(0);
    expect(await s.order.models.Transition.countDocuments({ orderId: unpaid.id })).toBe(1);
  });

  it('settles a deadline whose order never appeared (a crashed checkout) only after a grace period', async () => {
    const orphan = randomUUID();
    await s.order.store.addDeadline(orphan, new Date());
    await s.order.sweep(new Date(Date.now() + MINUTE));
    expect(await s.order.models.Deadline.findById(orphan).lean()).toMatchObject({ sweptAt: null, unswept: true });
    await s.order.sweep(new Date(Date.now() + 11 * MINUTE));
    expect(await s.order.models.Deadline.findById(orphan).lean()).toMatchObject({ sweptAt: expect.any(Date), unswept: false });
  });
});

describe('payment timeout (sweeper on its timer)', () => {
  let s: Services;
  let stop: () => Promise<void>;
  const env = { ORDER_PAYMENT_TIMEOUT: '700ms', ORDER_SWEEP_INTERVAL: '100ms' };
  beforeAll(async () => {
    s = await startServices({ orderEnv: env });
    stop = startOrderSweeper(s.order, loadConfig(env), createLogger('order', 'silent'));
  });
  afterAll(async () => {
    await stop?.();
    await s?.close();
  });

  it('cancels an unpaid order by itself once the timeout has passed', async () => {
    const p = await createProduct(s, { initialStock: 4 });
    const order = await placeOrder(s, [{ productId: p, quantity: 4 }]);
    expect(await available(s, p)).toBe(0);
    await waitFor('the sweeper to cancel the order', async () => (await s.order.store.get(order.id))?.status === 'CANCELLED', {
      timeoutMs: 10_000,
    });
    await waitFor('the stock to come back', async () => (await available(s, p)) === 4);
  });
});
