import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUEST } from '@shop/harness';
import type { Caller } from '@shop/kit';
import { lookupThrough, productLoader } from '../src/services.js';
import { client, createProduct, expectConsistentLog, mutate, newCart, OPS, startServices, type Gql, type Services } from './helpers.js';

const TTL = 7 * 24 * 3600 * 1000;
let svc: Services;
let gql: Gql;
let product: string;

beforeAll(async () => {
  svc = await startServices();
  gql = client(svc.cart.url);
  product = await createProduct(svc.product, { initialStock: 100 });
});
afterAll(() => svc?.close());

/** One sweep as the sweeper runs it, at `now`. */
const sweep = (now: Date) => svc.cart.carts.sweep(lookupThrough(productLoader(svc.cart.fetchSnapshots)), TTL, now);
const later = (ms: number) => new Date(Date.now() + ms);

describe('cart expiry', () => {
  it('expires carts untouched for CART_TTL through the sweeper, and expired carts refuse changes', async () => {
    const stale = await newCart(gql, [{ productId: product, quantity: 2 }]);
    const expired = await sweep(later(TTL + 60_000));
    expect(expired).toBeGreaterThanOrEqual(1);

    expect(await svc.cart.store.get(stale.id)).toMatchObject({ status: 'EXPIRED', lines: [{ productId: product, quantity: 2 }] });
    expect(await svc.cart.models.Cart.findById(stale.id).lean()).toMatchObject({ sweptAt: expect.any(Date), unswept: false });
    const log = await expectConsistentLog(svc.cart, stale.id);
    expect(log.at(-1)).toMatchObject({ kind: 'STATUS', status: 'EXPIRED' });

    const res = await mutate(gql, 'add', { cartId: stale.id, lines: [{ productId: product, quantity: 1 }] });
    expect(res.userErrors).toEqual([expect.objectContaining({ code: 'CART_NOT_ACTIVE', field: ['cartId'] })]);
    expect(res.cart).toMatchObject({ status: 'EXPIRED', totalQuantity: 2 });
    // the expiry is the last line change plus the TTL, not the time of the sweep
    expect(res.cart!.expiresAt).toBe(stale.expiresAt);
    expect((await expectConsistentLog(svc.cart, stale.id)).length).toBe(log.length);
  });

  it('keeps carts touched within CART_TTL, and a touch moves the expiry', async () => {
    const cart = await newCart(gql, [{ productId: product, quantity: 1 }]);
    const touched = await mutate(gql, 'add', { cartId: cart.id, lines: [{ productId: product, quantity: 1 }] });
    expect(Date.parse(touched.cart!.expiresAt)).toBeGreaterThanOrEqual(Date.parse(cart.expiresAt));
    // old enough to be looked at (created > TTL ago at this `now`), but touched after `now - TTL`
    await sweep(new Date(Date.parse(touched.cart!.expiresAt) - 1));
    expect((await svc.cart.store.get(cart.id))!.status).toBe('ACTIVE');
    expect(await svc.cart.models.Cart.findById(cart.id).lean()).toMatchObject({ sweptAt: null, unswept: true });
  });

  it('gives a customer a new cart once their cart expired', async () => {
    const caller: Caller = { kind: 'user', sub: `sleepy-${randomUUID()}`, roles: ['customer'] };
    const old = await newCart(gql, [{ productId: product, quantity: 1 }], caller);
    await sweep(later(TTL + 60_000));
    expect((await gql(OPS.myCart, {}, caller)).data).toEqual({ myCart: null });
    const fresh = await newCart(gql, [], caller);
    expect(fresh.id).not.toBe(old.id);
    expect((await gql(OPS.cart, { id: old.id }, caller)).data!.cart.status).toBe('EXPIRED');
  });

  it('completes a merge interrupted between marking the guest cart MERGED and adding its lines', async () => {
    const sub = `crashed-${randomUUID()}`;
    const guest = await newCart(gql, [{ productId: product, quantity: 4 }], GUEST);
    // the claim's first step only, as if the process died right after it
    await svc.cart.store.update(guest.id, () => ({ kind: 'status', status: 'MERGED', mergedInto: randomUUID(), mergedBy: sub }));
    expect(await svc.cart.models.Change.countDocuments({ dedupeKey: `merge:${guest.id}` })).toBe(0);

    await sweep(later(TTL + 60_000));
    await sweep(later(TTL + 60_000)); // a second sweep must not merge again
    const merges = await svc.cart.models.Change.find({ dedupeKey: `merge:${guest.id}` }).lean();
    expect(merges).toHaveLength(1);
    expect(merges[0]!.lines).toEqual([{ productId: product, quantity: 4 }]);
    expect((await svc.cart.models.Cart.findById(merges[0]!.cartId).lean())!.ownerId).toBe(sub);
    expect((await svc.cart.models.Cart.findById(guest.id).lean())!.sweptAt).not.toBeNull();
  });
});
