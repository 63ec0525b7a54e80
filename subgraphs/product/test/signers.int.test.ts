import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CUSTOMER, postGraphQL, testSigner, type GraphQLResponse } from '@shop/harness';
import { generateSigner, type Caller, type Signer } from '@shop/kit';
import { CREATE_CATEGORY, startProduct } from './helpers.js';
import type { StartedProductService } from '../src/server.js';

/**
 * Each signer has its own key and its rights (docs/design.md §7): the gateway signs people and
 * partners, a service signs only itself. A leaked service key (the renderer runs a browser) mints
 * nobody else.
 */
const SNAPSHOTS = 'query ($ids: [ID!]!) { productSnapshots(ids: $ids) { id } }';
const CART_SERVICE: Caller = { kind: 'service', service: 'cart' };

let svc: StartedProductService;
beforeAll(async () => {
  svc = await startProduct();
});
afterAll(() => svc?.close());

const createCategory = (slug: string, caller: Caller, signer?: Signer) =>
  postGraphQL(svc.url, { query: CREATE_CATEGORY, variables: { input: { slug, name: slug } } }, { caller, signer });

function expectRefused(res: GraphQLResponse, reason: string): void {
  expect(res.status).toBe(401);
  expect(res.data ?? undefined).toBeUndefined();
  expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  expect(res.errors?.[0]?.message).toContain(reason);
}

describe('signers', () => {
  it("refuses an admin signed with the renderer's key, or any service's key, with 401 and changes nothing", async () => {
    for (const service of ['invoice-renderer', 'messaging', 'order', 'cart'] as const) {
      expectRefused(await createCategory(`minted-by-${service}`, ADMIN, testSigner(service)), `signer ${service} may not sign this caller`);
    }
    expectRefused(await createCategory('minted-customer', CUSTOMER, testSigner('invoice-renderer')), 'may not sign this caller');
    expect(await svc.models.Category.countDocuments({ slug: /^minted-/ })).toBe(0);
  });

  it("refuses a service's key claiming another service's name", async () => {
    const asCart = (signer: Signer) => postGraphQL(svc.url, { query: SNAPSHOTS, variables: { ids: [] } }, { caller: CART_SERVICE, signer });
    expectRefused(await asCart(testSigner('invoice-renderer')), 'signer invoice-renderer may not sign this caller');
    expectRefused(await asCart(testSigner('gateway')), 'signer gateway may not sign this caller');
    // The cart's own key proves the name.
    expect(await asCart(testSigner('cart'))).toMatchObject({ status: 200, data: { productSnapshots: [] } });
  });

  it('lets the gateway key sign users', async () => {
    const res = await createCategory('signed-by-gateway', ADMIN, testSigner('gateway'));
    expect(res.errors).toBeUndefined();
    expect(await svc.models.Category.countDocuments({ slug: 'signed-by-gateway' })).toBe(1);
  });

  it('refuses an unknown signer, and another key under a trusted name', async () => {
    expectRefused(await createCategory('stranger', { kind: 'service', service: 'stranger' }, generateSigner('stranger')), 'unknown signer');
    expectRefused(await createCategory('forged', ADMIN, generateSigner('gateway')), 'bad signature');
  });
});
