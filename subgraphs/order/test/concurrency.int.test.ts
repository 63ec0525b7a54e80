import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@shop/harness';
import {
  available,
  cartStatus,
  checkoutInput,
  createProduct,
  movementsOf,
  mutate,
  newCart,
  startServices,
  waitForEvents,
  type Services,
} from './helpers.js';

let s: Services;

beforeAll(async () => {
  s = await startServices();
});
afterAll(() => s?.close());

describe('checkout under real concurrency', () => {
  it('sells the last 5 units to exactly 5 of 30 concurrent checkouts; the others get OUT_OF_STOCK; stock never negative', async () => {
    const p = await createProduct(s, { initialStock: 5 });
    const carts = await Promise.all(Array.from({ length: 30 }, () => newCart(s, [{ productId: p, quantity: 1 }])));
    const results = await Promise.all(carts.map((cartId) => mutate(s, 'checkout', checkoutInput(cartId))));

    const placed = results.filter((r) => r.order);
    const refused = results.filter((r) => !r.order);
    expect(placed).toHaveLength(5);
    expect(refused).toHaveLength(25);
    for (const r of refused) expect(r.userErrors).toEqual([expect.objectContaining({ code: 'OUT_OF_STOCK', field: ['input', 'cartId'] })]);
    for (const r of placed) expect(r.userErrors).toEqual([]);

    // state: 5 orders with distinct numbers, 5 reservations, balance 0, never below
    expect(await available(s, p)).toBe(0);
    const ledger = await s.product.models.Movement.find({ productId: p, version: { $gt: 0 } })
      .sort({ version: 1 })
      .lean();
    expect(ledger.every((m) => m.balance >= 0)).toBe(true);
    expect(ledger.filter((m) => m.kind === 'RESERVATION')).toHaveLength(5);
    const orders = await s.order.models.Order.find({ _id: { $in: placed.map((r) => r.order!.id) } }).lean();
    expect(orders).toHaveLength(5);
    expect(new Set(orders.map((o) => o.number)).size).toBe(5);
    const statuses = await Promise.all(carts.map((c) => cartStatus(s, c)));
    expect(statuses.filter((st) => st === 'CHECKED_OUT')).toHaveLength(5);
    expect(statuses.filter((st) => st === 'ACTIVE')).toHaveLength(25);
    // a refused checkout leaves no net reservation behind
    for (const o of orders) expect((await movementsOf(s, o._id)).map((m) => m.kind)).toEqual(['RESERVATION']);
  });

  it('gives concurrent checkouts with the same key one order and one net reservation', async () => {
    const p = await createProduct(s, { initialStock: 10 });
    const cartId = await newCart(s, [{ productId: p, quantity: 2 }]);
    const input = checkoutInput(cartId);
    const results = await Promise.all(Array.from({ length: 6 }, () => mutate(s, 'checkout', input)));
    const ids = new Set(results.map((r) => r.order?.id));
    expect(results.every((r) => r.userErrors.length === 0)).toBe(true);
    expect(ids.size).toBe(1);
    expect(await s.order.models.Order.countDocuments({ cartId })).toBe(1);
    // losers of the race released what they reserved: 2 units held in all
    expect(await available(s, p)).toBe(8);
    expect(await cartStatus(s, cartId)).toBe('CHECKED_OUT');
  });

  it('lets only one of two checkouts of one cart (different keys) stand; the other order is undone and its stock comes back', async () => {
    const p = await createProduct(s, { initialStock: 10 });
    const cartId = await newCart(s, [{ productId: p, quantity: 3 }]);
    const [a, b] = await Promise.all([mutate(s, 'checkout', checkoutInput(cartId)), mutate(s, 'checkout', checkoutInput(cartId))]);
    const winners = [a, b].filter((r) => r.order);
    expect(winners).toHaveLength(1);
    expect([a, b].filter((r) => r.userErrors.some((e) => e.code === 'CART_NOT_ACTIVE'))).toHaveLength(1);
    const winner = winners[0]!.order!;
    const docs = await s.order.models.Order.find({ cartId }).lean();
    // either the loser never wrote an order, or it wrote one and cancelled it (order.cancelled → stock back)
    for (const doc of docs.filter((d) => d._id !== winner.id)) {
      const [cancelled] = await waitForEvents(s, 'shop.order.cancelled.v1', doc._id);
      expect(cancelled!.data).toMatchObject({ reason: 'CART_NOT_ACTIVE', wasPaid: false });
    }
    await waitFor('stock to settle at 7', async () => (await available(s, p)) === 7);
    expect(await cartStatus(s, cartId)).toBe('CHECKED_OUT');
    expect((await s.cart.store.get(cartId))!.orderId).toBe(winner.id);
  });

  it('numbers 20 concurrent orders uniquely and without gaps', async () => {
    const p = await createProduct(s, { initialStock: 100 });
    const carts = await Promise.all(Array.from({ length: 20 }, () => newCart(s, [{ productId: p, quantity: 1 }])));
    const before = await s.order.models.Order.countDocuments({});
    const results = await Promise.all(
      carts.map((cartId) => mutate(s, 'checkout', checkoutInput(cartId, { idempotencyKey: randomUUID() }))),
    );
    const seqs = results.map((r) => Number(r.order!.number.slice(-6))).sort((x, y) => x - y);
    expect(new Set(seqs).size).toBe(20);
    expect(seqs.at(-1)! - seqs[0]!).toBe(19);
    expect(seqs[0]).toBe(before + 1);
  });
});
