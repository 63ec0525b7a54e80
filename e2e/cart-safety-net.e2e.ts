import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { startBroker, waitFor, type NatsInstance } from '@shop/harness';
import { CartDocument, CheckoutDocument, CreateCartDocument, MyOrdersDocument } from './__generated__/operations.js';
import { bearer, startStack, type Result, type Stack, type TypedCall } from './support/stack.js';

// A nats-server of this file's own, for the same reason as in order.e2e.ts (production durable names).
let nats: NatsInstance;
let stack: Stack;
let mug = '';

const gql: TypedCall = (doc, variables, headers) => stack.gql(doc, variables, headers);

const address = { name: 'Nina', line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'DE' };

beforeAll(async () => {
  nats = await startBroker('test');
  stack = await startStack(inject('mongoUrl'), nats.url);
  mug = (await stack.createProduct({ sku: 'E2E-NET-MUG', name: 'Safety net mug', price: 1250, initialStock: 10 })).id;
});
afterAll(async () => {
  await stack?.close();
  await nats?.stop();
});

describe("order.placed is the cart's safety net", () => {
  it('marks the cart CHECKED_OUT when checkout wrote the order but never got to mark the cart', async () => {
    const nina = bearer(await stack.token(`nina-${randomUUID()}`, 'customer'));
    const cart = (await gql(CreateCartDocument, { input: { lines: [{ productId: mug, quantity: 2 }] } }, nina)).data!.createCart.cart!;
    const input = { cartId: cart.id, email: 'nina@example.com', shippingAddress: address, idempotencyKey: randomUUID() };

    // The order service "dies" between writing the order (and its outbox event) and calling the cart.
    const cartCall = vi
      .spyOn(stack.order.services, 'markCartCheckedOut')
      .mockRejectedValue(new Error('order process died before marking the cart'));
    let failed: Result<unknown>;
    try {
      failed = await gql(CheckoutDocument, { input }, nina);
    } finally {
      cartCall.mockRestore();
    }
    expect(failed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    const orders = (await gql(MyOrdersDocument, {}, nina)).data!.myOrders;
    expect(orders.totalCount).toBe(1);
    const orderId = orders.edges[0]!.node.id;

    // The relay publishes order.placed with the cart id; the cart service marks the cart for that order.
    await waitFor('the cart to be CHECKED_OUT by order.placed', async () =>
      (await gql(CartDocument, { id: cart.id }, nina)).data?.cart?.status === 'CHECKED_OUT' ? true : undefined,
    );
    expect((await stack.cart.store.get(cart.id))!.orderId).toBe(orderId);

    // Retrying the checkout with the same key completes it with the same order: the cart is already its own.
    const retried = await gql(CheckoutDocument, { input }, nina);
    expect(retried.errors).toBeUndefined();
    expect(retried.data!.checkout.userErrors).toEqual([]);
    expect(retried.data!.checkout.order).toMatchObject({ id: orderId, status: 'PENDING_PAYMENT' });
    expect((await gql(MyOrdersDocument, {}, nina)).data!.myOrders.totalCount).toBe(1);
  });
});
