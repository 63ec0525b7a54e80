import { randomUUID } from 'node:crypto';
import type { Stack } from '../e2e/support/stack.js';
import { storeOrderHistory } from './history.js';
import { profiled } from './profile.js';
import { BENCH_ADDRESS, percentile } from './lib.js';

const MAX_RETRIES = 5;

/**
 * A purchase the buyer abandons: a call answered with an error that is not retryable (`code`), or still
 * failed with a retryable one after MAX_RETRIES (`code` RETRIES_EXHAUSTED).
 */
class GaveUp extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One GraphQL call through the gateway, as a guest. An error the gateway marks retryable (a subgraph
 * that did not answer in time) is retried like a client would, with the same variables (the same
 * idempotency keys), at most MAX_RETRIES times (then GaveUp); `retries` counts them. Any other error throws.
 */
async function gql(
  stack: Pick<Stack, 'gatewayUrl'>,
  query: string,
  variables: Record<string, unknown>,
  retries = { count: 0 },
): Promise<any> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string; retryable?: boolean } }[] };
    if (!body.errors?.length) return body.data;
    const message = body.errors.map((e) => e.message).join('; ');
    const fatal = body.errors.find((e) => e.extensions?.retryable !== true);
    if (fatal) throw new GaveUp(fatal.extensions?.code ?? 'NO_CODE', message);
    if (attempt >= MAX_RETRIES) throw new GaveUp('RETRIES_EXHAUSTED', `${message} (after ${attempt} retries)`);
    retries.count++;
  }
}

export const paidCount = (r: Run) => r.latencies.length;

/** Purchases and timings of one run. */
export interface Run {
  purchases: number;
  seconds: number;
  latencies: number[];
  /** Calls retried after a retryable error. */
  retries: number;
  /** Orders not PAID within PAID_WITHIN_MS of payOrder (left out of the latencies). */
  unpaid: number;
  /** Purchases abandoned after an error (see GaveUp), by error code. */
  failed: Map<string, number>;
}

/** One purchase: the ms from payOrder to PAID, or undefined when it was not PAID within PAID_WITHIN_MS. */
async function buyOnce(stack: Pick<Stack, 'gatewayUrl'>, productId: string, retries: { count: number }): Promise<number | undefined> {
  const cart = await gql(
    stack,
    'mutation ($input: CreateCartInput) { createCart(input: $input) { cart { id } } }',
    { input: { lines: [{ productId, quantity: 1 }] } },
    retries,
  );
  const checkout = await gql(
    stack,
    'mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id } userErrors { code message } } }',
    {
      input: { cartId: cart.createCart.cart.id, email: 'bench@shop.example', shippingAddress: BENCH_ADDRESS, idempotencyKey: randomUUID() },
    },
    retries,
  );
  const orderId = checkout.checkout.order?.id as string | undefined;
  if (!orderId) throw new GaveUp(`checkout: ${checkout.checkout.userErrors[0]?.code}`, JSON.stringify(checkout.checkout.userErrors));
  const payStarted = performance.now();
  const pay = await gql(
    stack,
    'mutation ($input: PayOrderInput!) { payOrder(input: $input) { payment { status } userErrors { code message } } }',
    { input: { orderId, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
    retries,
  );
  if (pay.payOrder.userErrors.length)
    throw new GaveUp(`payOrder: ${pay.payOrder.userErrors[0].code}`, JSON.stringify(pay.payOrder.userErrors));
  while (performance.now() - payStarted <= PAID_WITHIN_MS) {
    const o = await gql(stack, 'query ($id: ID!) { order(id: $id) { status } }', { id: orderId }, retries);
    if (o.order.status === 'PAID') return performance.now() - payStarted;
    await new Promise((r) => setTimeout(r, 20)); // polling interval of the client, not a fixed wait on the system
  }
  return undefined;
}

/** How long a buyer waits for PAID before counting the purchase as failed (and going on). */
const PAID_WITHIN_MS = 60_000;

/**
 * `flows` whole purchases through the gateway as a guest, `concurrency` at a time: cart → checkout →
 * payOrder(tok_visa) → poll until the order is PAID (the sandbox settles by webhook, payment publishes
 * payment.succeeded, order consumes it). Each concurrent buyer buys its own product, so the run measures
 * purchases, not contention on one product's stock (the contention bench does that).
 */
export async function purchase(
  stack: Pick<Stack, 'gatewayUrl'>,
  say: (msg: string) => void,
  productIds: string[],
  flows: number,
  { stopAt = Infinity }: { /** No purchase starts after this `performance.now()`; those under way finish. */ stopAt?: number } = {},
): Promise<Run> {
  const latencies: number[] = [];
  const retries = { count: 0 };
  let unpaid = 0;
  const failed = new Map<string, number>();
  let next = 0;
  const started = performance.now();
  const worker = async (productId: string) => {
    while (next < flows && performance.now() < stopAt) {
      next++;
      try {
        const took = await buyOnce(stack, productId, retries);
        if (took === undefined) unpaid++;
        else latencies.push(took);
      } catch (err) {
        if (!(err instanceof GaveUp)) throw err;
        if (!failed.has(err.code)) say(`a purchase failed: ${err.code}: ${err.message}`);
        failed.set(err.code, (failed.get(err.code) ?? 0) + 1);
      }
    }
  };
  await Promise.all(productIds.map(worker));
  return {
    purchases: next,
    seconds: (performance.now() - started) / 1000,
    latencies: latencies.sort((a, b) => a - b),
    retries: retries.count,
    unpaid,
    failed,
  };
}

/**
 * Purchases end to end on the database as the bench found it, then again after `history` paid orders
 * (with their movements, payments, invoices and notifications) were stored: the second run must not be
 * much slower if no hot path reads a collection that grows with every purchase.
 */
export async function runCheckoutBench(
  stack: Stack,
  say: (msg: string) => void,
  flows: number,
  concurrency: number,
  history = Number(process.env.BENCH_HISTORY ?? 10_000),
): Promise<Record<string, string | number>[]> {
  if (!Number.isInteger(history) || history < 1)
    throw new Error(`BENCH_HISTORY must be a positive integer, not ${process.env.BENCH_HISTORY}`);
  const productIds: string[] = [];
  for (let i = 0; i < concurrency; i++) productIds.push((await stack.createProduct({ price: 1999, initialStock: flows * 4 })).id);
  const row = (stored: string, r: Run, base?: Run) => ({
    'stored orders': stored,
    purchases: r.purchases,
    concurrency,
    'purchases/s (cart → PAID)': (paidCount(r) / r.seconds).toFixed(1),
    'payOrder → PAID p50 ms': r.latencies.length ? Math.round(percentile(r.latencies, 50)) : '—',
    'payOrder → PAID p99 ms': r.latencies.length ? Math.round(percentile(r.latencies, 99)) : '—',
    'retried calls': r.retries,
    'not PAID within 60 s': r.unpaid,
    'failed purchases': [...r.failed].map(([code, n]) => `${n} ${code}`).join(', ') || 0,
    'purchases/s vs fresh': base ? (paidCount(r) / r.seconds / (paidCount(base) / base.seconds)).toFixed(2) : '1.00',
  });
  const fresh = await profiled(
    'purchases, fresh database',
    () => purchase(stack, say, productIds, flows),
    (r) => r.purchases,
  );
  say(`storing ${history} paid orders of last year with their movements, payments, invoices and notifications…`);
  const started = performance.now();
  const docs = await storeOrderHistory(stack, history, new Date().getUTCFullYear() - 1);
  say(`stored ${docs} documents in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const after = await profiled(
    `purchases after ${history} stored orders`,
    () => purchase(stack, say, productIds, flows),
    (r) => r.purchases,
  );
  return [row('none of last year', fresh), row(`${history} of last year`, after, fresh)];
}
