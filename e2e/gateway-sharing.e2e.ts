import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { print } from 'graphql';
import { createLogger, type RunningServer } from '@shop/kit';
import { waitFor } from '@shop/harness';
import * as gateway from '@shop/gateway';
import { CreateCartDocument, MyCartDocument, ProductDocument } from './__generated__/operations.js';
import { bearer, call, startStack, type Result, type Stack } from './support/stack.js';
import { startHoldingProxy, type HoldingProxy } from './support/holding-proxy.js';

/**
 * In-flight deduplication (gateway/src/sharing.ts) through a real gateway over real subgraphs. A
 * holding proxy sits in front of the product and cart subgraphs: it counts what the gateway sends,
 * and holds it until the test has seen every request arrive, so "concurrent" never depends on timing.
 */
let stack: Stack;
let product: HoldingProxy;
let cart: HoldingProxy;
let gw: gateway.Gateway;
let running: RunningServer;
let url: string;
let slug: string;
let ann: Record<string, string>;
let bob: Record<string, string>;

beforeAll(async () => {
  stack = await startStack(inject('mongoUrl'));
  product = await startHoldingProxy(stack.productUrl, stack.signerKeys);
  cart = await startHoldingProxy(stack.cartUrl, stack.signerKeys);
  const config = gateway.loadConfig({ ...stack.gatewayEnv, PRODUCT_URL: product.url, CART_URL: cart.url });
  gw = await gateway.buildGateway(config, createLogger('gateway', process.env.TEST_LOG_LEVEL ?? 'silent'));
  running = await gw.listen(0);
  url = `${running.url}/graphql`;
  const created = await stack.createProduct({ name: 'Shared lamp' });
  slug = (await call(stack.gatewayUrl, print(ProductDocument), { id: created.id })).data.product.slug;
  ann = bearer(await stack.token('ann-sharing', 'customer'));
  bob = bearer(await stack.token('bob-sharing', 'customer'));
  // Each customer has a cart of their own: ann one lamp, bob three.
  for (const [who, quantity] of [
    [ann, 1],
    [bob, 3],
  ] as const) {
    const res = await call(url, print(CreateCartDocument), { input: { lines: [{ productId: created.id, quantity }] } }, who);
    expect(res.data?.createCart.userErrors, JSON.stringify(res)).toEqual([]);
  }
});
afterAll(async () => {
  await running?.close();
  await product?.close();
  await cart?.close();
  await stack?.close();
});

const PRODUCT = print(ProductDocument);
const MY_CART = print(MyCartDocument);
/** Sends the requests at once while `proxy` holds what reaches it; releases once `ready` says all have arrived. */
async function concurrently<T>(proxy: HoldingProxy, requests: (() => Promise<T>)[], ready: () => boolean, describe: string): Promise<T[]> {
  proxy.hold();
  const answers = Promise.all(requests.map((r) => r()));
  try {
    await waitFor(describe, ready, { timeoutMs: 15_000 });
  } finally {
    proxy.release();
  }
  return answers;
}

describe('in-flight deduplication at the gateway', () => {
  it('answers identical concurrent guest queries with one subgraph fetch', async () => {
    const [before, joined] = [product.received.length, gw.sharing().operationsJoined];
    const answers = await concurrently(
      product,
      Array.from({ length: 5 }, () => () => call(url, PRODUCT, { slug })),
      () => product.held() === 1 && gw.sharing().operationsJoined === joined + 4,
      'four guest queries to join the first one, whose fetch is held',
    );
    for (const a of answers) expect(a.data.product).toMatchObject({ slug, name: 'Shared lamp' });
    expect(product.received.length - before).toBe(1);
    expect(product.received.at(-1)!.caller).toEqual({ kind: 'guest' });
  });

  it("never shares between two users; a user's identical queries share, and each user gets their own cart", async () => {
    const before = cart.received.length;
    const joined = gw.sharing();
    // The same query text for both, and the same query formatted differently: the second text is
    // another operation (no operation-level share) whose cart fetch is identical (a fetch-level share).
    const reformatted = MY_CART.replace(/\n\s*/g, ' ');
    const answers = await concurrently<Result<any>>(
      cart,
      [ann, bob, ann, bob, ann].map((who, i) => () => call(url, i < 2 || i === 4 ? MY_CART : reformatted, {}, who)),
      () => {
        const now = gw.sharing();
        return cart.held() === 2 && now.operationsJoined === joined.operationsJoined + 1 && now.fetchesJoined === joined.fetchesJoined + 2;
      },
      "ann's second query and both reformatted ones to join ann's and bob's own fetches",
    );
    expect(answers.map((a) => a.data.myCart.totalQuantity)).toEqual([1, 3, 1, 3, 1]);
    expect(new Set(answers.map((a) => a.data.myCart.id)).size).toBe(2);
    const callers = cart.received.slice(before).map((r) => r.caller);
    expect(callers).toHaveLength(2);
    expect(callers).toEqual(
      expect.arrayContaining([
        { kind: 'user', sub: 'ann-sharing', roles: ['customer'] },
        { kind: 'user', sub: 'bob-sharing', roles: ['customer'] },
      ]),
    );
  });

  it('never shares mutations, even identical concurrent ones', async () => {
    const before = cart.received.length;
    const joined = gw.sharing();
    const create = print(CreateCartDocument);
    const answers = await concurrently<Result<any>>(
      cart,
      [1, 2, 3].map(() => () => call(url, create, { input: { lines: [] } })),
      () => cart.held() === 3,
      'three identical createCart mutations to reach the cart subgraph',
    );
    const ids = answers.map((a) => a.data.createCart.cart.id as string);
    expect(new Set(ids).size).toBe(3);
    expect(cart.received.length - before).toBe(3);
    expect(gw.sharing()).toEqual(joined);
  });

  it('delivers an error to every request that joined, and keeps nothing of it', async () => {
    const before = product.received.length;
    const joined = gw.sharing().operationsJoined;
    product.hold();
    const answers = Promise.all([1, 2, 3].map(() => call(url, PRODUCT, { slug })));
    try {
      await waitFor('two guest queries to join the first', () => product.held() === 1 && gw.sharing().operationsJoined === joined + 2);
    } finally {
      product.fail(503);
    }
    for (const a of await answers) {
      expect(a.data?.product ?? null).toBeNull();
      expect(a.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    }
    expect(product.received.length - before).toBe(1);
    // Afterwards the same query is executed afresh.
    const again = await call(url, PRODUCT, { slug });
    expect(again.data.product.slug).toBe(slug);
    expect(product.received.length - before).toBe(2);
  });
});
