import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBroker, waitFor, type NatsInstance } from '@shop/harness';
import {
  CancelOrderDocument,
  CartDocument,
  CheckoutDocument,
  CreateCartDocument,
  CreateCategoryDocument,
  MyOrdersDocument,
  OrderDocument,
  OrdersDocument,
  ProductDocument,
} from './__generated__/operations.js';
import { bearer, startStack, type Stack, type TypedCall } from './support/stack.js';

// The order flow needs the event side (product releases stock when it sees order.cancelled). Its
// consumers use the production durable names, and `npm start` in start.e2e.ts runs product and order
// processes with the same durables on the project-wide NATS (inject('natsUrl')): sharing that server
// would let those processes take this stack's events. So this stack gets a nats-server of its own.
let nats: NatsInstance;
let stack: Stack;
let admin: Record<string, string>;
let olga: Record<string, string>;
let mug = '';

const gql: TypedCall = (doc, variables, headers) => stack.gql(doc, variables, headers);

const stock = async (id: string) => (await gql(ProductDocument, { id }, admin)).data!.product!.availability.available;
const address = { name: 'Olga', line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'DE' };

beforeAll(async () => {
  nats = await startBroker('test');
  stack = await startStack(inject('mongoUrl'), nats.url);
  admin = bearer(await stack.token('ada', 'admin'));
  olga = bearer(await stack.token('olga', 'customer'));
  await gql(CreateCategoryDocument, { input: { slug: 'order-e2e', name: 'Order e2e' } }, admin);
  mug = (
    await stack.createProduct({ sku: 'E2E-ORDER-MUG', name: 'Order mug', price: 1250, categorySlugs: ['order-e2e'], initialStock: 10 })
  ).id;
});
afterAll(async () => {
  await stack?.close();
  await nats?.stop();
});

describe('orders through the gateway', () => {
  it('checks out a cart, shows the order to its owner only, cancels it and gives the stock back', async () => {
    const cart = (await gql(CreateCartDocument, { input: { lines: [{ productId: mug, quantity: 3 }] } }, olga)).data!.createCart.cart!;
    const checkout = await gql(
      CheckoutDocument,
      { input: { cartId: cart.id, email: 'olga@example.com', shippingAddress: address, idempotencyKey: randomUUID() } },
      olga,
    );
    expect(checkout.errors).toBeUndefined();
    expect(checkout.data!.checkout.userErrors).toEqual([]);
    const order = checkout.data!.checkout.order!;
    expect(order.status).toBe('PENDING_PAYMENT');
    expect(order.number).toMatch(/^SO-\d{4}-\d{6}$/);
    // OrderLine.product comes from the product subgraph through federation
    expect(order.lines).toEqual([
      {
        product: { id: mug, name: 'Order mug' },
        sku: 'E2E-ORDER-MUG',
        name: 'Order mug',
        unitPrice: { amount: 1250, currency: 'USD' },
        quantity: 3,
        lineTotal: { amount: 3750, currency: 'USD' },
      },
    ]);
    expect([order.subtotal.amount, order.tax.amount, order.total.amount]).toEqual([3750, 750, 4500]);
    expect(order.shippingAddress).toEqual({ ...address, line2: null, region: null });
    expect(await stock(mug)).toBe(7);
    expect((await gql(CartDocument, { id: cart.id }, olga)).data!.cart!.status).toBe('CHECKED_OUT');

    // the owner and admins see it; another customer and a guest do not
    expect((await gql(OrderDocument, { id: order.id }, olga)).data!.order!.number).toBe(order.number);
    expect((await gql(OrderDocument, { id: order.id }, admin)).data!.order!.id).toBe(order.id);
    const ivan = bearer(await stack.token('ivan', 'customer'));
    expect((await gql(OrderDocument, { id: order.id }, ivan)).data).toEqual({ order: null });
    expect((await gql(OrderDocument, { id: order.id })).data).toEqual({ order: null });
    expect((await gql(CancelOrderDocument, { id: order.id }, ivan)).data!.cancelOrder.userErrors[0]!.code).toBe('ORDER_NOT_FOUND');
    expect((await gql(MyOrdersDocument, {}, olga)).data!.myOrders).toMatchObject({ totalCount: 1, edges: [{ node: { id: order.id } }] });
    expect((await gql(MyOrdersDocument, {})).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const pending = (await gql(OrdersDocument, { status: 'PENDING_PAYMENT' }, admin)).data!.orders;
    expect(pending.edges.map((e) => e.node.id)).toContain(order.id);
    expect((await gql(OrdersDocument, {}, olga)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // cancel → order.cancelled → product releases the reservation
    const cancelled = await gql(CancelOrderDocument, { id: order.id, reason: 'found a cheaper mug' }, olga);
    expect(cancelled.data!.cancelOrder.userErrors).toEqual([]);
    expect(cancelled.data!.cancelOrder.order!.status).toBe('CANCELLED');
    expect(cancelled.data!.cancelOrder.order!.timeline.map((e) => [e.status, e.note])).toEqual([
      ['PENDING_PAYMENT', 'Order placed'],
      ['CANCELLED', 'found a cheaper mug'],
    ]);
    await waitFor('the stock to come back', async () => (await stock(mug)) === 10);
    const again = await gql(CancelOrderDocument, { id: order.id }, olga);
    expect(again.data!.cancelOrder.userErrors[0]!.code).toBe('ORDER_NOT_CANCELLABLE');
    expect((await gql(OrdersDocument, { status: 'CANCELLED' }, admin)).data!.orders.totalCount).toBe(1);
    expect(await stock(mug)).toBe(10);
  });

  it('answers bad checkout input through the gateway with clear errors, never an internal one', async () => {
    const cart = (await gql(CreateCartDocument, { input: { lines: [{ productId: mug, quantity: 1 }] } })).data!.createCart.cart!;
    const base = { cartId: cart.id, email: 'guest@example.com', shippingAddress: address, idempotencyKey: randomUUID() };
    const invalid = await gql(CheckoutDocument, { input: { ...base, email: 'nope', shippingAddress: { ...address, country: 'Germany' } } });
    expect(invalid.data!.checkout).toEqual({
      order: null,
      userErrors: [
        expect.objectContaining({ code: 'INVALID_EMAIL' }),
        expect.objectContaining({ code: 'INVALID_ADDRESS', field: ['input', 'shippingAddress', 'country'] }),
      ],
    });
    const malformed = await gql(CheckoutDocument, { input: { ...base, cartId: '{"$ne": null}' } });
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(malformed)).not.toMatch(/INTERNAL_SERVER_ERROR|stacktrace/);
    expect((await gql(CartDocument, { id: cart.id })).data!.cart!.status).toBe('ACTIVE');
    expect(await stock(mug)).toBe(10);
  });
});
