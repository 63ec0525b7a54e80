import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { ADMIN, CUSTOMER, GUEST, OTHER_CUSTOMER } from '@shop/harness';
import type { Caller } from '@shop/kit';
import { client, createProduct, placeOrder, startServices, type Gql, type OrderView, type Services } from './helpers.js';

// No NATS here: the GraphQL half of the order service runs (and checks out) without a broker; the events
// wait in the outbox.
let s: Services;
let gql: Gql;
let product: string;

beforeAll(async () => {
  s = await startServices({ events: false });
  gql = client(s.order.url);
  product = await createProduct(s, { price: 450 });
});
afterAll(() => s?.close());

const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Order {
        id
        number
        status
        lines {
          product {
            __typename
            id
          }
          quantity
          unitPrice {
            amount
          }
        }
      }
    }
  }
`;

describe('federation contract', () => {
  it('publishes its SDL: owns Order by id, references Product without resolving it, keeps internals inaccessible', async () => {
    const res = await gql('{ _service { sdl } }');
    const sdl = res.data!._service.sdl as string;
    expect(() => parse(sdl)).not.toThrow();
    expect(sdl).toMatch(/type Order\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Product\s+@key\(fields: "id", resolvable: false\)/);
    expect(sdl).toMatch(/customerId: ID @inaccessible/);
    expect(sdl).toMatch(/type Address\s+@shareable/);
    for (const field of [
      'order(id: ID!): Order',
      'myOrders(first: Int = 20, after: String): OrderConnection!',
      'orders(first: Int = 20, after: String, status: OrderStatus): OrderConnection!',
      'checkout(input: CheckoutInput!): CheckoutPayload!',
      'cancelOrder(id: ID!, reason: String): OrderPayload!',
      'timeline: [OrderEvent!]!',
    ])
      expect(sdl).toContain(field);
    for (const absent of ['payments', 'paymentStatus', 'invoice']) expect(sdl).not.toMatch(new RegExp(`\\b${absent}\\b`));
  });

  it('resolves Order entities with the access rules of order(id), and lines as Product references', async () => {
    const guests = await placeOrder(s, [{ productId: product, quantity: 2 }]);
    const alices = await placeOrder(s, [{ productId: product, quantity: 1 }], CUSTOMER);
    const representations = [
      { __typename: 'Order', id: guests.id },
      { __typename: 'Order', id: alices.id },
      { __typename: 'Order', id: 'not-a-uuid' },
      { __typename: 'Order', id: '2b1f9ad4-5c0e-4b8a-9d7e-3f6a1c2b4d5e' },
    ];
    const asAlice = await gql(ENTITIES, { representations }, CUSTOMER);
    expect(asAlice.errors).toBeUndefined();
    expect(asAlice.data!._entities).toEqual([
      {
        id: guests.id,
        number: guests.number,
        status: 'PENDING_PAYMENT',
        lines: [{ product: { __typename: 'Product', id: product }, quantity: 2, unitPrice: { amount: 450 } }],
      },
      expect.objectContaining({ id: alices.id }),
      null,
      null,
    ]);
    const only = async (caller: Caller, order: OrderView) =>
      (await gql(ENTITIES, { representations: [{ __typename: 'Order', id: order.id }] }, caller)).data!._entities;
    expect(await only(OTHER_CUSTOMER, alices)).toEqual([null]);
    expect(await only(GUEST, alices)).toEqual([null]);
    expect(await only(OTHER_CUSTOMER, guests)).toEqual([expect.objectContaining({ id: guests.id })]);
    expect(await only(ADMIN, alices)).toEqual([expect.objectContaining({ id: alices.id })]);
    expect(await only({ kind: 'service', service: 'payment' }, alices)).toEqual([expect.objectContaining({ id: alices.id })]);
  });

  it('keeps order.placed in the outbox while no relay runs', async () => {
    const order = await placeOrder(s, [{ productId: product, quantity: 1 }]);
    const doc = (await s.order.models.Order.findById(order.id).lean())!;
    expect(doc.publishedAt).toBeNull();
    expect(doc.event).toMatchObject({ type: 'shop.order.placed.v1', data: { orderId: order.id, number: order.number } });
  });
});
