import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, sandboxStarter, testTmpDir, waitFor, type ManagedProcess } from '@shop/harness';
import { mintDevToken } from '@shop/identity-sandbox';
import { signIn } from '@shop/identity-sandbox/testing';
import { CreateCartDocument, CreateProductDocument, MyCartDocument } from './__generated__/operations.js';
import { bearer, startStack, type Stack } from './support/stack.js';

/**
 * Sign-in as in production: the identity sandbox (its own process) issues RS256 tokens through the
 * authorization code flow with PKCE, and the real gateway verifies them through the sandbox's JWKS
 * (JWKS_URL, JWT_ISSUER, JWT_AUDIENCE), including across a key rotation and a key's retirement.
 */

let stack: Stack;
let idp: { proc: ManagedProcess; url: string; issuer: string };
const stateDir = testTmpDir('identity-e2e-');

const startSandbox = sandboxStarter(
  'identity',
  () => stateDir,
  (env) => ({
    NODE_ENV: 'development',
    SANDBOX_STATE_DIR: join(stateDir, 'state'),
    ...env,
  }),
);

beforeAll(async () => {
  const port = await freePort();
  // tsx compiles the sources on start: slow on a loaded machine.
  const { proc, url } = await startSandbox(port, {}, 120_000);
  idp = { proc, url, issuer: `http://localhost:${port}` };
  stack = await startStack(inject('mongoUrl'), undefined, {
    gateway: {
      JWKS_URL: `${idp.url}/jwks`,
      JWT_ISSUER: idp.issuer,
      JWT_AUDIENCE: 'shop',
      // A rotation's new kid is fetched at once; a retired key leaves the cached set within a second.
      JWKS_REFETCH_COOLDOWN: '0',
      JWKS_CACHE_MAX_AGE: '1s',
      JWKS_STALE_IF_ERROR: '0',
    },
  });
});
afterAll(async () => {
  await stack?.close();
  await idp?.proc.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

const productInput = (tag: string) => ({
  sku: `IDP-${tag}`,
  name: `Idp ${tag}`,
  description: 'e2e',
  price: 1000,
  categorySlugs: [],
  initialStock: 1,
});
const keys = async (path: string, body?: unknown) => {
  const res = await fetch(`${idp.url}/admin/keys${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  expect(res.ok).toBe(true);
  return (await res.json()) as { kid?: string; keys: { kid: string; current: boolean }[] };
};
/** myCart's outcome for a token: the cart id, or the error code. */
const myCart = async (token: string) => {
  const res = await stack.gql(MyCartDocument, {}, bearer(token));
  return res.errors ? (res.errors[0]?.extensions?.code as string) : 'ok';
};

describe('sign-in through the identity sandbox, verified by the gateway through its JWKS', () => {
  it('a customer signed in with the login page owns the cart it creates; only an admin may create a product', async () => {
    const customer = (await signIn(idp.url, idp.issuer, 'Carla Customer', 'customer')).tokens.access_token;
    const created = await stack.gql(CreateCartDocument, {}, bearer(customer));
    expect(created.errors).toBeUndefined();
    const mine = await stack.gql(MyCartDocument, {}, bearer(customer));
    expect(mine.data?.myCart?.id).toBe(created.data?.createCart.cart?.id);

    const refused = await stack.gql(CreateProductDocument, { input: productInput('CUST') }, bearer(customer));
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const admin = (await signIn(idp.url, idp.issuer, 'Ada Admin', 'admin')).tokens.access_token;
    const made = await stack.gql(CreateProductDocument, { input: productInput('ADMIN') }, bearer(admin));
    expect(made.errors).toBeUndefined();
    expect(made.data?.createProduct.product?.sku).toBe('IDP-ADMIN');
  });

  it('across a rotation: old-key tokens pass while published, new-kid tokens pass at once, a retired key is refused', async () => {
    const old = await mintDevToken(idp.url, { sub: 'rotating', roles: ['customer'] });
    expect(await myCart(old)).toBe('ok');
    const oldKid = decodeProtectedHeader(old).kid!;

    const { kid: newKid } = await keys('/rotate');
    const fresh = (await signIn(idp.url, idp.issuer, 'Rotating Customer', 'customer')).tokens.access_token;
    expect(decodeProtectedHeader(fresh).kid).toBe(newKid);
    // The gateway has never seen this kid: it fetches the key set again and accepts the token.
    expect(await myCart(fresh)).toBe('ok');
    expect(await myCart(old)).toBe('ok');

    expect((await keys('/retire', { kid: oldKid })).keys.map((k) => k.kid)).toEqual([newKid]);
    // Once the gateway's cached key set (JWKS_CACHE_MAX_AGE) is refetched, the retired key is gone.
    await waitFor('the retired key to be refused', async () => (await myCart(old)) === 'UNAUTHENTICATED', {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    expect(await myCart(fresh)).toBe('ok');
  });
});
