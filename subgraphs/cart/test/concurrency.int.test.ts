import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_SERVICE } from '@shop/harness';
import type { Caller } from '@shop/kit';
import {
  client,
  createProduct,
  expectConsistentLog,
  lineQuantities,
  mutate,
  newCart,
  OPS,
  startCartReplica,
  startServices,
  type Gql,
  type Services,
} from './helpers.js';

let svc: Services;
let gql: Gql;
let product: string;

beforeAll(async () => {
  svc = await startServices();
  gql = client(svc.cart.url);
  product = await createProduct(svc.product, { price: 250, initialStock: 1_000 });
});
afterAll(() => svc?.close());

describe('concurrent changes on FerretDB', () => {
  it('ends with quantity 20 after 20 concurrent addCartLines of one unit', async () => {
    const { id } = await newCart(gql);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => mutate(gql, 'add', { cartId: id, lines: [{ productId: product, quantity: 1 }] })),
    );
    expect(results.flatMap((r) => r.userErrors)).toEqual([]);
    // every caller saw its own unit land: the quantities they were answered with are 1..20, each once
    expect(results.map((r) => lineQuantities(r.cart)[product]).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect((await svc.cart.store.get(id))!.lines).toEqual([{ productId: product, quantity: 20 }]);
    const log = await expectConsistentLog(svc.cart, id);
    expect(log).toHaveLength(20);
    expect(log.every((r) => r.changes.length === 1 && r.changes[0]!.delta === 1)).toBe(true);
  });

  it('lets exactly the stock in when concurrent adds compete for the last units of one cart line', async () => {
    const scarce = await createProduct(svc.product, { price: 100, initialStock: 5 });
    const { id } = await newCart(gql);
    const results = await Promise.all(
      Array.from({ length: 12 }, () => mutate(gql, 'add', { cartId: id, lines: [{ productId: scarce, quantity: 1 }] })),
    );
    expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(5);
    for (const r of results.filter((x) => x.userErrors.length))
      expect(r.userErrors[0]).toMatchObject({
        code: 'OUT_OF_STOCK',
        message: `only 5 left of product ${scarce}; the cart already holds 5`,
      });
    expect((await svc.cart.store.get(id))!.lines).toEqual([{ productId: scarce, quantity: 5 }]);
    await expectConsistentLog(svc.cart, id);
  });

  it('gives a customer one ACTIVE cart however many createCart calls race', async () => {
    const sub = `racer-${randomUUID()}`;
    const racer: Caller = { kind: 'user', sub, roles: ['customer'] };
    const carts = await Promise.all(Array.from({ length: 10 }, () => newCart(gql, [{ productId: product, quantity: 1 }], racer)));
    expect(new Set(carts.map((c) => c.id)).size).toBe(1);
    const owned = await svc.cart.models.Cart.find({ ownerId: sub }).lean();
    expect(owned).toHaveLength(1);
    // each call added its line to the one cart
    expect((await svc.cart.store.get(owned[0]!._id))!.lines).toEqual([{ productId: product, quantity: 10 }]);
  });

  it('lets no line land after a concurrent checkout, and checks out once', async () => {
    const { id } = await newCart(gql, [{ productId: product, quantity: 1 }]);
    const orders = [randomUUID(), randomUUID()];
    const adds = Array.from({ length: 10 }, () => mutate(gql, 'add', { cartId: id, lines: [{ productId: product, quantity: 1 }] }));
    const checkouts = orders.map((orderId) => mutate(gql, 'checkout', { cartId: id, orderId }, ORDER_SERVICE));
    const [addResults, checkoutResults] = await Promise.all([Promise.all(adds), Promise.all(checkouts)]);
    expect(checkoutResults.filter((r) => r.userErrors.length === 0)).toHaveLength(1);
    expect(checkoutResults.filter((r) => r.userErrors.length).map((r) => r.userErrors[0]!.code)).toEqual(['CART_NOT_ACTIVE']);
    for (const r of addResults.filter((x) => x.userErrors.length)) expect(r.userErrors[0]!.code).toBe('CART_NOT_ACTIVE');

    const final = (await svc.cart.store.get(id))!;
    expect(final.status).toBe('CHECKED_OUT');
    // the checked-out quantity is the first unit plus exactly the adds that were answered with success
    expect(final.lines).toEqual([{ productId: product, quantity: 1 + addResults.filter((r) => r.userErrors.length === 0).length }]);
    const log = await expectConsistentLog(svc.cart, id);
    expect(log.at(-1)).toMatchObject({ kind: 'STATUS', status: 'CHECKED_OUT', orderId: final.orderId });
    expect(orders).toContain(final.orderId);
    // the winning order may ask again (idempotent); others may not
    expect((await mutate(gql, 'checkout', { cartId: id, orderId: final.orderId }, ORDER_SERVICE)).userErrors).toEqual([]);
    expect((await svc.cart.store.get(id))!.version).toBe(final.version);
  });

  it('merges a guest cart once when the same customer claims it twice at the same time', async () => {
    const customer: Caller = { kind: 'user', sub: `double-${randomUUID()}`, roles: ['customer'] };
    const guest = await newCart(gql, [{ productId: product, quantity: 3 }]);
    const claims = await Promise.all([
      mutate(gql, 'claim', { cartId: guest.id }, customer),
      mutate(gql, 'claim', { cartId: guest.id }, customer),
    ]);
    expect(claims.flatMap((c) => c.userErrors)).toEqual([]);
    expect(new Set(claims.map((c) => c.cart!.id)).size).toBe(1);
    const target = (await svc.cart.store.get(claims[0].cart!.id))!;
    expect(target.lines).toEqual([{ productId: product, quantity: 3 }]);
    expect(await svc.cart.models.Change.countDocuments({ dedupeKey: `merge:${guest.id}` })).toBe(1);
    expect((await svc.cart.store.get(guest.id))!).toMatchObject({ status: 'MERGED', mergedInto: target.id });
  });

  it('ends with quantity 50 after 50 concurrent adds to one cart across two replicas; none answers INTERNAL_SERVER_ERROR', async () => {
    const replica = await startCartReplica(svc);
    try {
      const { id } = await newCart(gql);
      const gqls = [gql, client(replica.url)];
      const answers = await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const codes: string[] = [];
          for (let attempt = 0; attempt < 5; attempt++) {
            const res = await gqls[i % 2]!(OPS.add, { cartId: id, lines: [{ productId: product, quantity: 1 }] });
            const errorCodes = (res.errors ?? []).map((e) => String(e.extensions?.code));
            codes.push(...errorCodes);
            // Retryable answers change nothing: the same add is sent again, as a client would.
            if (errorCodes.length === 0 || !errorCodes.every((c) => c === 'CONFLICT' || c === 'SERVICE_UNAVAILABLE')) break;
          }
          return codes;
        }),
      );
      expect(answers.flat().filter((c) => c !== 'CONFLICT' && c !== 'SERVICE_UNAVAILABLE')).toEqual([]);
      expect((await svc.cart.store.get(id))!.lines).toEqual([{ productId: product, quantity: 50 }]);
      expect(await expectConsistentLog(svc.cart, id)).toHaveLength(50);
    } finally {
      await replica.close();
    }
  });
});
