import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, GUEST, type GraphQLResponse } from '@shop/harness';
import type { Caller } from '@shop/kit';
import { available, checkoutInput, client, createProduct, newCart, OPS, startServices, type Payload, type Services } from './helpers.js';

/**
 * Heavy contention across two replicas of product, cart and order sharing their databases: no
 * request ever answers INTERNAL_SERVER_ERROR. Each succeeds, is refused with its business userError,
 * or answers a retryable code (CONFLICT, SERVICE_UNAVAILABLE) — and then the same request (same
 * idempotency key) sent again succeeds, as a client would do it.
 */

const RETRYABLE = new Set(['CONFLICT', 'SERVICE_UNAVAILABLE']);

let s: Services;
let sent = 0;

beforeAll(async () => {
  s = await startServices({ replicas: true });
});
afterAll(() => s?.close());

/** Sends an order mutation to either replica; repeats it while the answer is retryable; fails on any other GraphQL error. */
async function send(op: keyof typeof OPS, variables: Record<string, unknown>, caller: Caller = GUEST): Promise<Payload> {
  for (let attempt = 1; ; attempt++) {
    const url = (sent++ % 2 === 0 ? s.order : s.replica!.order).url;
    const res: GraphQLResponse = await client(url)(OPS[op], variables, caller);
    const codes = (res.errors ?? []).map((e) => String(e.extensions?.code));
    if (codes.length === 0) return Object.values(res.data!)[0] as Payload;
    if (!codes.every((c) => RETRYABLE.has(c)) || attempt >= 5) throw new Error(`${op} failed: ${JSON.stringify(res.errors)}`);
  }
}

async function expectGaplessNumbers(orderIds: readonly string[], before: number) {
  const orders = await s.order.models.Order.find({ _id: { $in: orderIds } }).lean();
  const seqs = orders.map((o) => o.seq).sort((a, b) => a - b);
  expect(seqs).toEqual(Array.from({ length: orderIds.length }, (_, i) => before + i + 1));
}

describe('checkout and order changes under heavy contention (two replicas)', () => {
  it('checks out 50 carts of the same product: every order placed, numbered without gaps, stock exact', async () => {
    const p = await createProduct(s, { initialStock: 60 });
    const carts = await Promise.all(Array.from({ length: 50 }, () => newCart(s, [{ productId: p, quantity: 1 }])));
    const before = await s.order.models.Order.countDocuments({});
    const results = await Promise.all(carts.map((cartId) => send('checkout', checkoutInput(cartId, { idempotencyKey: randomUUID() }))));
    expect(results.flatMap((r) => r.userErrors)).toEqual([]);
    await expectGaplessNumbers(
      results.map((r) => r.order!.id),
      before,
    );
    expect(await available(s, p)).toBe(10);
  });

  it('checks out 50 carts of one product with 20 units: exactly 20 orders, 30 OUT_OF_STOCK, stock 0, numbers gapless', async () => {
    const p = await createProduct(s, { initialStock: 20 });
    const carts = await Promise.all(Array.from({ length: 50 }, () => newCart(s, [{ productId: p, quantity: 1 }])));
    const before = await s.order.models.Order.countDocuments({});
    const results = await Promise.all(carts.map((cartId) => send('checkout', checkoutInput(cartId, { idempotencyKey: randomUUID() }))));
    const placed = results.filter((r) => r.order);
    expect(placed).toHaveLength(20);
    expect(results.filter((r) => !r.order).map((r) => r.userErrors[0]?.code)).toEqual(Array.from({ length: 30 }, () => 'OUT_OF_STOCK'));
    await expectGaplessNumbers(
      placed.map((r) => r.order!.id),
      before,
    );
    expect(await available(s, p)).toBe(0);
  });

  it('checks out 50 carts of 50 different products: every order placed, numbered without gaps', async () => {
    const products = await Promise.all(Array.from({ length: 50 }, () => createProduct(s, { initialStock: 5 })));
    const carts = await Promise.all(products.map((productId) => newCart(s, [{ productId, quantity: 2 }])));
    const before = await s.order.models.Order.countDocuments({});
    const results = await Promise.all(carts.map((cartId) => send('checkout', checkoutInput(cartId))));
    expect(results.flatMap((r) => r.userErrors)).toEqual([]);
    await expectGaplessNumbers(
      results.map((r) => r.order!.id),
      before,
    );
    expect(await Promise.all(products.slice(0, 5).map((p) => available(s, p)))).toEqual([3, 3, 3, 3, 3]);
  });

  it('lets 20 concurrent cancellations and shipments of one order record exactly one change', async () => {
    const p = await createProduct(s, { initialStock: 5 });
    const placed = await send('checkout', checkoutInput(await newCart(s, [{ productId: p, quantity: 1 }])));
    const id = placed.order!.id;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? send('cancel', { id, reason: `race ${i}` }, ADMIN)
          : send('ship', { id, carrier: 'DHL', trackingNumber: `T${i}` }, ADMIN),
      ),
    );
    const accepted = results.filter((r) => r.userErrors.length === 0 && r.order!.status === 'CANCELLED');
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    for (const r of results.filter((x) => x.userErrors.length))
      expect(['ORDER_NOT_CANCELLABLE', 'INVALID_TRANSITION']).toContain(r.userErrors[0]!.code);
    const transitions = await s.order.models.Transition.find({ orderId: id }).sort({ version: 1 }).lean();
    expect(transitions.map((t) => t.status)).toEqual(['CANCELLED']);
  });
});
