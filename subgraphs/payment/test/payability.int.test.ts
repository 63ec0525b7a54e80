import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@shop/harness';
import { createLogger } from '@shop/kit';
import { startReservationSweeper } from '@shop/product';
import { checkoutProduct, createProduct, pay, placeOrder, sandboxGet, startServices, type Services } from './helpers.js';

/**
 * payOrder decides from what is true now, not from what another service last heard: the order's stock
 * must still be held (product), and no payment of the order may have succeeded already (payment's own
 * records). Product's consumers do not run here, so no `order.placed` ever confirms a reservation.
 */

const TTL_MS = 1_000;
let s: Services;
beforeAll(async () => {
  const saga = { RESERVATION_TTL: `${TTL_MS}ms`, ORDER_PAYMENT_TIMEOUT: '500ms', RESERVATION_TTL_MARGIN: '200ms' };
  // The order's payment-timeout sweeper is not started: orders stay PENDING_PAYMENT.
  s = await startServices({ product: saga, order: saga, payment: saga, productEvents: false });
});
afterAll(() => s?.close());

const charges = (orderId: string) =>
  sandboxGet<{ charges: number; succeeded: number }>(s, `/test/charges?metadata.orderId=${encodeURIComponent(orderId)}`);
const paymentsOf = async (orderId: string) => (await s.payment.store.ofOrders([orderId])).get(orderId) ?? [];

describe('payOrder and the order stock', () => {
  it('takes money for only one of two orders of the last unit when the first reservation expired unconfirmed', async () => {
    const productId = await createProduct(s, 1);
    const first = await checkoutProduct(s, productId);
    const sweeper = startReservationSweeper(s.product.reservations, TTL_MS, 50, createLogger('sweeper', 'silent'));
    try {
      await waitFor(
        'the sweeper released the first reservation',
        async () => (await s.product.ledger.level(new Types.ObjectId(productId))).balance === 1,
      );
    } finally {
      await sweeper();
    }
    const second = await checkoutProduct(s, productId);

    const [a, b] = await Promise.all([pay(s, first.id, 'tok_visa'), pay(s, second.id, 'tok_visa')]);
    expect(a.userErrors.map((e) => e.code)).toEqual(['ORDER_NOT_PAYABLE']);
    expect(a.payment).toBeNull();
    expect(b.userErrors).toEqual([]);
    await waitFor('the second payment settles', async () => (await paymentsOf(second.id))[0]?.status === 'SUCCEEDED');

    expect(await charges(first.id)).toMatchObject({ charges: 0 });
    expect(await charges(second.id)).toMatchObject({ charges: 1, succeeded: 1 });
    const movements = await s.product.models.Movement.find({ productId: new Types.ObjectId(productId), version: { $gt: 0 } })
      .sort({ version: 1 })
      .lean();
    expect(movements.every((m) => m.balance >= 0)).toBe(true);
    expect(movements.map((m) => [m.kind, m.orderId, m.balance])).toEqual([
      ['ADJUSTMENT', null, 1],
      ['RESERVATION', first.id, 0],
      ['RELEASE', first.id, 1],
      ['RESERVATION', second.id, 0],
    ]);
  });

  it('refuses a second payment once one succeeded, while the order service has not heard of it yet', async () => {
    // The order never learns of the payment: it stays PENDING_PAYMENT, as when its consumer lags.
    await Promise.all(s.orderEvents.consumers.map((c) => c.stop()));
    const order = await placeOrder(s);
    const first = await pay(s, order.id, 'tok_visa');
    expect(first.userErrors).toEqual([]);
    await waitFor('the webhook settled the payment', async () => (await paymentsOf(order.id))[0]?.status === 'SUCCEEDED');
    expect((await s.order.store.get(order.id))!.status).toBe('PENDING_PAYMENT');

    const again = await pay(s, order.id, 'tok_visa', randomUUID());
    expect(again.userErrors.map((e) => e.code)).toEqual(['ORDER_NOT_PAYABLE']);
    expect(again.payment).toBeNull();
    expect(await charges(order.id)).toMatchObject({ charges: 1, succeeded: 1 });
    expect(await paymentsOf(order.id)).toHaveLength(1);
  });
});
