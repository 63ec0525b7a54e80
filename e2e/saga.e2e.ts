import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBroker, waitFor, type NatsInstance } from '@shop/harness';
import { CheckoutDocument, CreateCartDocument, OrderDocument, ProductDocument } from './__generated__/operations.js';
import { bearer, startStack, type Stack, type TypedCall } from './support/stack.js';

// Its own nats-server: the stack's consumers use the production durable names (see order.e2e.ts).
// A short payment timeout so the sweeper's cancellation is observable within the test.
let nats: NatsInstance;
let stack: Stack;
let admin: Record<string, string>;

const gql: TypedCall = (doc, variables, headers) => stack.gql(doc, variables, headers);
const stock = async (id: string) => (await gql(ProductDocument, { id }, admin)).data!.product!.availability.available;
const address = { name: 'Ravi', line1: '2 Loop Lane', city: 'Pune', postalCode: '411001', country: 'IN' };

async function newProduct(initialStock: number): Promise<string> {
  return (await stack.createProduct({ price: 500, initialStock })).id;
}

async function guestCheckout(productId: string) {
  const cart = (await gql(CreateCartDocument, { input: { lines: [{ productId, quantity: 1 }] } })).data!.createCart.cart!;
  return gql(CheckoutDocument, {
    input: { cartId: cart.id, email: 'ravi@example.com', shippingAddress: address, idempotencyKey: randomUUID() },
  });
}

beforeAll(async () => {
  nats = await startBroker('test');
  stack = await startStack(inject('mongoUrl'), nats.url, { order: { ORDER_PAYMENT_TIMEOUT: '2s', ORDER_SWEEP_INTERVAL: '250ms' } });
  admin = bearer(await stack.token('ada', 'admin'));
});
afterAll(async () => {
  await stack?.close();
  await nats?.stop();
});

describe('the checkout saga through the gateway', () => {
  it('gives the last 5 units to exactly 5 of 30 concurrent checkouts; the others get OUT_OF_STOCK; no unit is released twice', async () => {
    const id = await newProduct(5);
    // Carts first (each holds one unit while stock lasts), then the 30 checkouts at once.
    const carts = await Promise.all(
      Array.from({ length: 30 }, () => gql(CreateCartDocument, { input: { lines: [{ productId: id, quantity: 1 }] } })),
    );
    const results = await Promise.all(
      carts.map((c) =>
        gql(CheckoutDocument, {
          input: { cartId: c.data!.createCart.cart!.id, email: 'ravi@example.com', shippingAddress: address, idempotencyKey: randomUUID() },
        }),
      ),
    );
    for (const r of results) expect(r.errors).toBeUndefined();
    const placed = results.filter((r) => r.data!.checkout.order);
    const refused = results.filter((r) => !r.data!.checkout.order);
    expect(placed).toHaveLength(5);
    expect(refused).toHaveLength(25);
    for (const r of refused) expect(r.data!.checkout.userErrors[0]!.code).toBe('OUT_OF_STOCK');
    expect(new Set(placed.map((r) => r.data!.checkout.order!.number)).size).toBe(5);
    // This stack's payment window is 2 s, so the sweeper may already be cancelling the five unpaid
    // orders: stock is read once all five are cancelled, and must then be exactly what was there (no
    // unit sold twice, none released twice).
    for (const r of placed) {
      await waitFor(
        'the sweeper to cancel an unpaid order',
        async () => {
          const o = (await gql(OrderDocument, { id: r.data!.checkout.order!.id })).data!.order!;
          return o.status === 'CANCELLED' || undefined;
        },
        { timeoutMs: 20_000, intervalMs: 100 },
      );
    }
    await waitFor('product to release the five units', async () => (await stock(id)) === 5, { timeoutMs: 20_000, intervalMs: 100 });
    expect(await stock(id)).toBe(5);
  });

  it('cancels an order left unpaid past the payment timeout and returns its stock', async () => {
    const id = await newProduct(3);
    const placed = await guestCheckout(id);
    const orderId = placed.data!.checkout.order!.id;
    expect(await stock(id)).toBe(2);
    const cancelled = await waitFor(
      'the payment-timeout sweeper to cancel the order',
      async () => {
        const o = (await gql(OrderDocument, { id: orderId })).data!.order!;
        return o.status === 'CANCELLED' ? o : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(cancelled.timeline.map((e) => e.status)).toEqual(['PENDING_PAYMENT', 'CANCELLED']);
    await waitFor('product to release the stock on order.cancelled', async () => (await stock(id)) === 3, {
      timeoutMs: 20_000,
      intervalMs: 100,
    });
  });
});
