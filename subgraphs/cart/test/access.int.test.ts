import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CUSTOMER, GUEST, ORDER_SERVICE, OTHER_CUSTOMER, postGraphQL } from '@shop/harness';
import { generateSigner, type Caller } from '@shop/kit';
import { client, createProduct, lineQuantities, mutate, newCart, OPS, startServices, type Gql, type Services } from './helpers.js';

let svc: Services;
let gql: Gql;
let product: string;
const PARTNER: Caller = { kind: 'partner', partnerId: 'acme' };
const PAYMENT_SERVICE: Caller = { kind: 'service', service: 'payment' };

beforeAll(async () => {
  svc = await startServices();
  gql = client(svc.cart.url);
  product = await createProduct(svc.product, { price: 500, initialStock: 100 });
});
afterAll(() => svc?.close());

const read = async (id: string, caller: Caller) => {
  const res = await gql(OPS.cart, { id }, caller);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.cart as { id: string; lines: unknown[] } | null;
};
const quantityOf = async (id: string) => (await svc.cart.store.get(id))!.lines[0]?.quantity;

describe('who may use which cart', () => {
  it("keeps a customer's cart to that customer and admins: others get null and CART_NOT_FOUND, and nothing changes", async () => {
    const alice = await newCart(gql, [{ productId: product, quantity: 2 }], CUSTOMER);
    expect((await read(alice.id, CUSTOMER))?.id).toBe(alice.id);
    expect((await read(alice.id, ADMIN))?.id).toBe(alice.id);
    expect(await read(alice.id, OTHER_CUSTOMER)).toBeNull();
    expect(await read(alice.id, GUEST)).toBeNull();

    for (const caller of [OTHER_CUSTOMER, GUEST]) {
      for (const [op, vars] of [
        ['add', { lines: [{ productId: product, quantity: 1 }] }],
        ['update', { lines: [{ productId: product, quantity: 9 }] }],
        ['remove', { productIds: [product] }],
      ] as const) {
        const res = await mutate(gql, op, { cartId: alice.id, ...vars }, caller);
        expect(res).toEqual({ cart: null, userErrors: [expect.objectContaining({ code: 'CART_NOT_FOUND', field: ['cartId'] })] });
      }
    }
    expect(await quantityOf(alice.id)).toBe(2);
    const byAdmin = await mutate(gql, 'add', { cartId: alice.id, lines: [{ productId: product, quantity: 1 }] }, ADMIN);
    expect(lineQuantities(byAdmin.cart)).toEqual({ [product]: 3 });
  });

  it('serves guest carts to whoever holds the id, signed in or not', async () => {
    const guest = await newCart(gql, [{ productId: product, quantity: 1 }]);
    expect((await read(guest.id, GUEST))?.id).toBe(guest.id);
    expect((await read(guest.id, OTHER_CUSTOMER))?.id).toBe(guest.id);
    expect(
      (await mutate(gql, 'add', { cartId: guest.id, lines: [{ productId: product, quantity: 1 }] }, OTHER_CUSTOMER)).userErrors,
    ).toEqual([]);
    expect(await quantityOf(guest.id)).toBe(2);
  });

  it('returns the existing ACTIVE cart when a signed-in customer creates one, and shows it as myCart', async () => {
    const caller: Caller = { kind: 'user', sub: `dora-${randomUUID()}`, roles: ['customer'] };
    expect((await gql(OPS.myCart, {}, caller)).data).toEqual({ myCart: null });
    const first = await newCart(gql, [], caller);
    const again = await newCart(gql, [{ productId: product, quantity: 4 }], caller);
    expect(again.id).toBe(first.id);
    expect(lineQuantities(again)).toEqual({ [product]: 4 });
    expect((await gql(OPS.myCart, {}, caller)).data!.myCart.id).toBe(first.id);
    // a guest's createCart is always a new cart
    expect((await newCart(gql)).id).not.toBe((await newCart(gql)).id);
  });

  it('starts a new customer cart once the active one is checked out', async () => {
    const caller: Caller = { kind: 'user', sub: `eve-${randomUUID()}`, roles: ['customer'] };
    const first = await newCart(gql, [{ productId: product, quantity: 1 }], caller);
    expect((await mutate(gql, 'checkout', { cartId: first.id, orderId: randomUUID() }, ORDER_SERVICE)).cart!.status).toBe('CHECKED_OUT');
    expect((await gql(OPS.myCart, {}, caller)).data).toEqual({ myCart: null });
    const second = await newCart(gql, [], caller);
    expect(second.id).not.toBe(first.id);
    expect(second.lines).toEqual([]);
    expect(await read(first.id, caller)).toMatchObject({ id: first.id });
  });

  it('asks guests to sign in for myCart and claimCart, and refuses partners and other services', async () => {
    const guest = await newCart(gql);
    for (const [query, vars] of [
      [OPS.myCart, {}],
      [OPS.claim, { cartId: guest.id }],
    ] as const) {
      expect((await gql(query, vars, GUEST)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    for (const caller of [PARTNER, PAYMENT_SERVICE]) {
      for (const [query, vars] of [
        [OPS.cart, { id: guest.id }],
        [OPS.myCart, {}],
        [OPS.create, { input: null }],
        [OPS.add, { cartId: guest.id, lines: [{ productId: product, quantity: 1 }] }],
        [OPS.claim, { cartId: guest.id }],
      ] as const) {
        expect((await gql(query, vars, caller)).errors?.[0]?.extensions?.code, `${caller.kind} ${query.slice(0, 30)}`).toBe('FORBIDDEN');
      }
    }
    expect((await gql(OPS.checkout, { cartId: guest.id, orderId: randomUUID() }, CUSTOMER)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect(await svc.cart.store.get(guest.id)).toMatchObject({ status: 'ACTIVE', version: 0 });
    // the order service reads any cart (it checks out the cart it was given)
    expect((await read(guest.id, ORDER_SERVICE))?.id).toBe(guest.id);
  });

  it('refuses requests that did not come through the gateway', async () => {
    const res = await postGraphQL(svc.cart.url, { query: '{ myCart { id } }' });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const forged = await postGraphQL(svc.cart.url, { query: '{ myCart { id } }' }, { caller: CUSTOMER, signer: generateSigner('gateway') });
    expect(forged.status).toBe(401);
  });
});
