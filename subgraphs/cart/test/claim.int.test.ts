import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CUSTOMER, ORDER_SERVICE } from '@shop/harness';
import type { Caller } from '@shop/kit';
import {
  adjustStock,
  client,
  createProduct,
  expectConsistentLog,
  lineQuantities,
  mutate,
  newCart,
  OPS,
  startServices,
  type Gql,
  type Services,
} from './helpers.js';

let svc: Services;
let gql: Gql;
const customer = (): Caller => ({ kind: 'user', sub: `claimer-${randomUUID()}`, roles: ['customer'] });

beforeAll(async () => {
  svc = await startServices();
  gql = client(svc.cart.url);
});
afterAll(() => svc?.close());

describe('claimCart', () => {
  it("sums a guest cart into the customer's cart, capped at what is available, and marks it MERGED", async () => {
    const [shared, scarce, fresh] = await Promise.all([
      createProduct(svc.product, { price: 1000, initialStock: 100 }),
      createProduct(svc.product, { price: 200, initialStock: 6 }),
      createProduct(svc.product, { price: 50, initialStock: 100 }),
    ]);
    const me = customer();
    const mine = await newCart(
      gql,
      [
        { productId: shared, quantity: 2 },
        { productId: scarce, quantity: 4 },
      ],
      me,
    );
    const guest = await newCart(gql, [
      { productId: shared, quantity: 3 },
      { productId: scarce, quantity: 5 },
      { productId: fresh, quantity: 1 },
    ]);

    const res = await mutate(gql, 'claim', { cartId: guest.id }, me);
    expect(res.userErrors).toEqual([]);
    expect(res.cart!.id).toBe(mine.id);
    // scarce: 4 + 5 = 9, but only 6 are available
    expect(lineQuantities(res.cart)).toEqual({ [shared]: 5, [scarce]: 6, [fresh]: 1 });
    expect(res.cart!.lines.map((l) => l.product.id)).toEqual([shared, scarce, fresh]);

    expect((await gql(OPS.cart, { id: guest.id }, me)).data!.cart).toMatchObject({ status: 'MERGED', totalQuantity: 9 });
    expect(await svc.cart.store.get(guest.id)).toMatchObject({
      status: 'MERGED',
      mergedInto: mine.id,
      mergedBy: me.kind === 'user' ? me.sub : '',
    });
    const log = await expectConsistentLog(svc.cart, mine.id);
    expect(log.at(-1)).toMatchObject({ kind: 'MERGE_IN', dedupeKey: `merge:${guest.id}` });

    // claiming again changes nothing; the merged cart refuses changes
    const again = await mutate(gql, 'claim', { cartId: guest.id }, me);
    expect(lineQuantities(again.cart)).toEqual({ [shared]: 5, [scarce]: 6, [fresh]: 1 });
    expect((await expectConsistentLog(svc.cart, mine.id)).length).toBe(log.length);
    const late = await mutate(gql, 'add', { cartId: guest.id, lines: [{ productId: fresh, quantity: 1 }] });
    expect(late.userErrors).toEqual([expect.objectContaining({ code: 'CART_NOT_ACTIVE' })]);
    expect(late.cart).toMatchObject({ id: guest.id, status: 'MERGED' });
  });

  it('attaches a guest cart to a customer without a cart, leaving out what can no longer be sold', async () => {
    const [ok, soldOut] = await Promise.all([
      createProduct(svc.product, { initialStock: 10 }),
      createProduct(svc.product, { initialStock: 2 }),
    ]);
    const guest = await newCart(gql, [
      { productId: ok, quantity: 2 },
      { productId: soldOut, quantity: 2 },
    ]);
    await adjustStock(svc.product, soldOut, -2);
    const me = customer();
    const res = await mutate(gql, 'claim', { cartId: guest.id }, me);
    expect(res.userErrors).toEqual([]);
    expect(res.cart!.id).not.toBe(guest.id);
    expect(lineQuantities(res.cart)).toEqual({ [ok]: 2 });
    expect((await gql(OPS.myCart, {}, me)).data!.myCart.id).toBe(res.cart!.id);
  });

  it("refuses another customer's cart (CART_NOT_FOUND), a cart claimed by someone else and a checked-out one (CART_NOT_ACTIVE)", async () => {
    const product = await createProduct(svc.product);
    const alice = customer();
    const bob = customer();
    const aliceCart = await newCart(gql, [{ productId: product, quantity: 1 }], alice);
    expect(await mutate(gql, 'claim', { cartId: aliceCart.id }, bob)).toEqual({
      cart: null,
      userErrors: [expect.objectContaining({ code: 'CART_NOT_FOUND' })],
    });
    expect(await mutate(gql, 'claim', { cartId: aliceCart.id }, ADMIN)).toEqual({
      cart: null,
      userErrors: [expect.objectContaining({ code: 'CART_NOT_FOUND' })],
    });
    expect((await svc.cart.store.get(aliceCart.id))!.status).toBe('ACTIVE');

    const guest = await newCart(gql, [{ productId: product, quantity: 1 }]);
    await mutate(gql, 'claim', { cartId: guest.id }, alice);
    const stolen = await mutate(gql, 'claim', { cartId: guest.id }, bob);
    expect(stolen.userErrors).toEqual([expect.objectContaining({ code: 'CART_NOT_ACTIVE' })]);
    expect((await gql(OPS.myCart, {}, bob)).data).toEqual({ myCart: null });

    const checkedOut = await newCart(gql, [{ productId: product, quantity: 1 }]);
    await mutate(gql, 'checkout', { cartId: checkedOut.id, orderId: randomUUID() }, ORDER_SERVICE);
    expect((await mutate(gql, 'claim', { cartId: checkedOut.id }, CUSTOMER)).userErrors).toEqual([
      expect.objectContaining({ code: 'CART_NOT_ACTIVE' }),
    ]);
  });
});
