import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { ADMIN, CUSTOMER, GUEST, ORDER_SERVICE } from '@shop/harness';
import type { Caller } from '@shop/kit';
import { client, createProduct, startProduct } from './helpers.js';
import type { StartedProductService } from '../src/server.js';

const SNAPSHOTS = /* GraphQL */ `
  query ($ids: [ID!]!) {
    productSnapshots(ids: $ids) {
      id
      sku
      name
      price
      status
      available
    }
  }
`;
const CART_SERVICE: Caller = { kind: 'service', service: 'cart' };
const PAYMENT_SERVICE: Caller = { kind: 'service', service: 'payment' };

let svc: StartedProductService;
let gql: ReturnType<typeof client>;

beforeAll(async () => {
  svc = await startProduct();
  gql = client(svc.url);
});
afterAll(() => svc?.close());

describe('productSnapshots (internal, for the cart and order services)', () => {
  it('answers current sku, name, price, status and stock in the order asked, null for unknown ids', async () => {
    const mug = await createProduct(svc.url, { sku: 'SNAP-MUG', name: 'Snapshot mug', price: 1299, initialStock: 7 });
    const old = await createProduct(svc.url, { sku: 'SNAP-OLD', name: 'Old thing', price: 500, initialStock: 2 });
    await gql(`mutation ($id: ID!) { archiveProduct(id: $id) { userErrors { code } } }`, { id: old });
    await gql(`mutation ($id: ID!) { updateProduct(id: $id, input: { price: 1199 }) { userErrors { code } } }`, { id: mug });
    await gql(`mutation ($id: ID!) { adjustStock(productId: $id, delta: -3, reason: "count") { userErrors { code } } }`, { id: mug });
    const unknown = new Types.ObjectId().toHexString();

    const res = await gql(SNAPSHOTS, { ids: [old, unknown, mug, mug] }, CART_SERVICE);
    expect(res.errors).toBeUndefined();
    const snapMug = { id: mug, sku: 'SNAP-MUG', name: 'Snapshot mug', price: 1199, status: 'ACTIVE', available: 4 };
    expect(res.data!.productSnapshots).toEqual([
      { id: old, sku: 'SNAP-OLD', name: 'Old thing', price: 500, status: 'ARCHIVED', available: 2 },
      null,
      snapMug,
      snapMug,
    ]);
    // the order service (checkout) reads the same snapshots
    const asOrder = await gql(SNAPSHOTS, { ids: [mug, unknown] }, ORDER_SERVICE);
    expect(asOrder.errors).toBeUndefined();
    expect(asOrder.data!.productSnapshots).toEqual([snapMug, null]);
  });

  it('serves the cart and order services only', async () => {
    const id = await createProduct(svc.url);
    for (const caller of [ADMIN, CUSTOMER, GUEST, PAYMENT_SERVICE]) {
      const res = await gql(SNAPSHOTS, { ids: [id] }, caller);
      expect(res.errors?.[0]?.extensions?.code, caller.kind).toBe('FORBIDDEN');
      expect(res.data).toBeNull();
    }
  });

  it('refuses malformed ids and oversized batches as BAD_USER_INPUT', async () => {
    for (const ids of [['{"$ne": null}'], ['nope'], Array.from({ length: 501 }, () => new Types.ObjectId().toHexString())]) {
      const res = await gql(SNAPSHOTS, { ids }, CART_SERVICE);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect((await gql(SNAPSHOTS, { ids: [] }, CART_SERVICE)).data).toEqual({ productSnapshots: [] });
  });
});
