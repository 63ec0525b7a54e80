import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { CUSTOMER, GUEST, ORDER_SERVICE, OTHER_CUSTOMER } from '@shop/harness';
import { client, createProduct, newCart, startServices, type Gql, type Services } from './helpers.js';

let svc: Services;
let gql: Gql;
let product: string;

beforeAll(async () => {
  svc = await startServices();
  gql = client(svc.cart.url);
  product = await createProduct(svc.product, { price: 450 });
});
afterAll(() => svc?.close());

const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Cart {
        id
        status
        totalQuantity
        lines {
          id
          quantity
          product {
            __typename
            id
          }
          unitPrice {
            amount
          }
        }
      }
    }
  }
`;

describe('federation contract', () => {
  it('publishes its SDL: owns Cart by id and references Product without resolving it', async () => {
    const res = await gql('{ _service { sdl } }');
    const sdl = res.data!._service.sdl as string;
    expect(() => parse(sdl)).not.toThrow();
    expect(sdl).toMatch(/type Cart\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Product\s+@key\(fields: "id", resolvable: false\)/);
    expect(sdl).toMatch(/markCartCheckedOut\(cartId: ID!, orderId: ID!\): CartPayload! @inaccessible/);
    for (const field of ['cart(id: ID!): Cart', 'myCart: Cart', 'claimCart(cartId: ID!): CartPayload!', 'lineTotal: Money!'])
      expect(sdl).toContain(field);
  });

  it('resolves Cart entities with the access rules of cart(id), and lines as Product references', async () => {
    const guestCart = await newCart(gql, [{ productId: product, quantity: 2 }]);
    const aliceCart = await newCart(gql, [{ productId: product, quantity: 1 }], CUSTOMER);
    const representations = [
      { __typename: 'Cart', id: guestCart.id },
      { __typename: 'Cart', id: aliceCart.id },
      { __typename: 'Cart', id: 'not-a-uuid' },
      { __typename: 'Cart', id: '2b1f9ad4-5c0e-4b8a-9d7e-3f6a1c2b4d5e' },
    ];
    const asAlice = await gql(ENTITIES, { representations }, CUSTOMER);
    expect(asAlice.errors).toBeUndefined();
    expect(asAlice.data!._entities).toEqual([
      {
        id: guestCart.id,
        status: 'ACTIVE',
        totalQuantity: 2,
        lines: [
          { id: `${guestCart.id}:${product}`, quantity: 2, product: { __typename: 'Product', id: product }, unitPrice: { amount: 450 } },
        ],
      },
      expect.objectContaining({ id: aliceCart.id, totalQuantity: 1 }),
      null,
      null,
    ]);
    const asBob = await gql(ENTITIES, { representations: representations.slice(0, 2) }, OTHER_CUSTOMER);
    expect(asBob.data!._entities).toEqual([expect.objectContaining({ id: guestCart.id }), null]);
    const asGuest = await gql(ENTITIES, { representations: representations.slice(1, 2) }, GUEST);
    expect(asGuest.data!._entities).toEqual([null]);
    const asOrder = await gql(ENTITIES, { representations: representations.slice(1, 2) }, ORDER_SERVICE);
    expect(asOrder.data!._entities).toEqual([expect.objectContaining({ id: aliceCart.id })]);
  });
});
