import { randomUUID } from 'node:crypto';
import type { Stack } from '../e2e/support/stack.js';
import { BENCH_ADDRESS, percentile } from './lib.js';

/**
 * Contention (issue 11 §4) through the gateway as a guest: 50 concurrent checkouts of the SAME product
 * (more buyers than units), 50 of DIFFERENT products, 50 concurrent adds to ONE cart. Each case fires its
 * requests at once (a checkout answered with a retryable code is sent again with its idempotency key, at
 * most 5 times; an add is not repeated), counts the final answers by error code (INTERNAL_SERVER_ERROR
 * must stay 0), checks the outcome is exact (as many sold as there were units, the rest OUT_OF_STOCK,
 * none left; the cart holds one unit per accepted add) and reports requests/s over the burst and
 * p50/p99 latency (a retried checkout counts from its first send to its final answer).
 */

interface Answer {
  data?: any;
  codes: string[];
  ms: number;
}

async function send(stack: Stack, query: string, variables: Record<string, unknown>, token?: string): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
  return { data: body.data, codes: (body.errors ?? []).map((e) => String(e.extensions?.code)), ms: performance.now() - started };
}

const RETRYABLE = new Set(['CONFLICT', 'SERVICE_UNAVAILABLE']);

/** Setup and checking reads: a retryable answer (an overloaded machine) is sent again, up to 5 times. */
async function must(stack: Stack, query: string, variables: Record<string, unknown>, token?: string): Promise<any> {
  for (let attempt = 1; ; attempt++) {
    const a = await send(stack, query, variables, token);
    if (a.codes.length === 0) return a.data;
    if (!a.codes.every((c) => RETRYABLE.has(c)) || attempt >= 5) throw new Error(`bench setup failed: ${a.codes.join(', ')}`);
  }
}

const CREATE_PRODUCT = 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code } } }';
const CREATE_CART = 'mutation ($input: CreateCartInput) { createCart(input: $input) { cart { id } } }';
const CHECKOUT = 'mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id } userErrors { code } } }';
const ADD =
  'mutation ($cartId: ID!, $lines: [CartLineInput!]!) { addCartLines(cartId: $cartId, lines: $lines) { cart { id } userErrors { code } } }';
const AVAILABLE = 'query ($id: ID!) { product(id: $id) { availability { available } } }';

async function product(stack: Stack, admin: string, initialStock: number): Promise<string> {
  const input = {
    sku: `CONT-${randomUUID().slice(0, 8).toUpperCase()}`,
    name: `Contention ${randomUUID()}`,
    description: 'bench',
    price: 500,
    categorySlugs: [],
    initialStock,
  };
  const { product, userErrors } = (await must(stack, CREATE_PRODUCT, { input }, admin)).createProduct;
  if (!product) throw new Error(`bench setup: createProduct answered ${JSON.stringify(userErrors)}`);
  return product.id as string;
}

const cart = async (stack: Stack, productId: string, quantity: number) =>
  (await must(stack, CREATE_CART, { input: { lines: [{ productId, quantity }] } })).createCart.cart.id as string;

/** Client retries of retryable answers, over all checkouts of the run. */
let retries = 0;

/** A checkout as a client sends it: a retryable answer is sent again with the same idempotency key, at most 5 times in all. */
async function checkout(stack: Stack, cartId: string): Promise<Answer> {
  const input = { cartId, email: 'bench@shop.example', shippingAddress: BENCH_ADDRESS, idempotencyKey: randomUUID() };
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    const a = await send(stack, CHECKOUT, { input });
    if (a.codes.length === 0 || !a.codes.every((c) => RETRYABLE.has(c)) || attempt >= 5) return { ...a, ms: performance.now() - started };
    retries++;
  }
}

const available = async (stack: Stack, id: string) => (await must(stack, AVAILABLE, { id })).product.availability.available as number;

/** Error codes other than CONFLICT and INTERNAL_SERVER_ERROR, with their counts (`-` when none). */
function others(answers: Answer[]): string {
  const counts = new Map<string, number>();
  for (const code of answers.flatMap((a) => a.codes))
    if (code !== 'CONFLICT' && code !== 'INTERNAL_SERVER_ERROR') counts.set(code, (counts.get(code) ?? 0) + 1);
  return counts.size ? [...counts].map(([c, n]) => `${c} ×${n}`).join(', ') : '-';
}

function row(name: string, answers: Answer[], wallMs: number, ok: number, exact: string): Record<string, string | number> {
  const ms = answers.map((a) => a.ms).sort((x, y) => x - y);
  const count = (code: string) => answers.filter((a) => a.codes.includes(code)).length;
  return {
    case: name,
    requests: answers.length,
    succeeded: ok,
    CONFLICT: count('CONFLICT'),
    INTERNAL_SERVER_ERROR: count('INTERNAL_SERVER_ERROR'),
    'req/s': ((answers.length / wallMs) * 1000).toFixed(1),
    'p50 ms': Math.round(percentile(ms, 50)),
    'p99 ms': Math.round(percentile(ms, 99)),
    'client retries': retries,
    'other errors': others(answers),
    'outcome exact': exact,
  };
}

async function burst(requests: (() => Promise<Answer>)[]): Promise<{ answers: Answer[]; wallMs: number }> {
  retries = 0;
  const started = performance.now();
  const answers = await Promise.all(requests.map((r) => r()));
  return { answers, wallMs: performance.now() - started };
}

export async function runContentionBench(stack: Stack, n = 50): Promise<Record<string, string | number>[]> {
  const admin = await stack.token('bench-admin', 'admin');
  const rows: Record<string, string | number>[] = [];

  // SAME product: n buyers of one unit, n·3/5 units: exactly that many orders, the rest OUT_OF_STOCK.
  const stock = Math.floor((n * 3) / 5);
  const same = await product(stack, admin, stock);
  const sameCarts = await Promise.all(Array.from({ length: n }, () => cart(stack, same, 1)));
  const s = await burst(sameCarts.map((c) => () => checkout(stack, c)));
  const sold = s.answers.filter((a) => a.data?.checkout?.order).length;
  const refused = s.answers.filter((a) => a.data?.checkout?.userErrors?.[0]?.code === 'OUT_OF_STOCK').length;
  const left = await available(stack, same);
  rows.push(
    row(
      `${n} checkouts, same product (${stock} units)`,
      s.answers,
      s.wallMs,
      sold,
      sold === stock && refused === n - stock && left === 0 ? 'yes' : `NO: sold ${sold}, refused ${refused}, left ${left}`,
    ),
  );

  // DIFFERENT products: n carts of 2 units of their own product (stock 5): all sold, 3 left each.
  const products = await Promise.all(Array.from({ length: n }, () => product(stack, admin, 5)));
  const carts = await Promise.all(products.map((p) => cart(stack, p, 2)));
  const d = await burst(carts.map((c) => () => checkout(stack, c)));
  const placed = d.answers.filter((a) => a.data?.checkout?.order).length;
  const levels: number[] = [];
  for (const p of products) levels.push(await available(stack, p)); // one at a time: checking, not load
  rows.push(
    row(
      `${n} checkouts, different products`,
      d.answers,
      d.wallMs,
      placed,
      placed === n && levels.every((l) => l === 3) ? 'yes' : `NO: placed ${placed}`,
    ),
  );

  // ONE cart: n concurrent adds of one unit: the line ends at 1 + accepted adds.
  const item = await product(stack, admin, n * 2);
  const one = await cart(stack, item, 1);
  const a = await burst(
    Array.from({ length: n }, () => () => send(stack, ADD, { cartId: one, lines: [{ productId: item, quantity: 1 }] })),
  );
  const accepted = a.answers.filter((x) => x.data?.addCartLines?.cart && x.data.addCartLines.userErrors.length === 0).length;
  const total = (await must(stack, 'query ($id: ID!) { cart(id: $id) { totalQuantity } }', { id: one })).cart.totalQuantity as number;
  rows.push(
    row(
      `${n} adds to one cart`,
      a.answers,
      a.wallMs,
      accepted,
      total === 1 + accepted && accepted === n ? 'yes' : `NO: accepted ${accepted}, quantity ${total}`,
    ),
  );
  return rows;
}
