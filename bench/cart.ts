import { randomUUID } from 'node:crypto';
import { countCalls } from '../e2e/support/call-counter.js';
import type { Stack } from '../e2e/support/stack.js';
import { load } from './lib.js';
import { databaseCpuMs } from './profile.js';

const CART = /* GraphQL */ `
  query BenchCart($id: ID!) {
    cart(id: $id) {
      id
      totalQuantity
      lines {
        quantity
        available
        unitPrice {
          amount
        }
        lineTotal {
          amount
        }
        product {
          id
          name
          price {
            amount
          }
        }
      }
      cost {
        subtotal {
          amount
        }
        tax {
          amount
        }
        total {
          amount
          currency
        }
      }
    }
  }
`;

export interface CartBenchOptions {
  /** Cart sizes to measure (default 1, 10, 50 lines). */
  sizes?: readonly number[];
  /** Seconds of load per size (default 5). */
  seconds?: number;
  /** Concurrent connections (default 20). */
  connections?: number;
}

async function gateway(
  stack: Stack,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<any> {
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(`bench setup: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

/** Waits until requests still in flight when the load stopped have finished: the counts stop moving. */
async function quiet(counts: () => unknown, deadlineMs = 15_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let last = JSON.stringify(counts());
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = JSON.stringify(counts());
    if (now === last) return;
    last = now;
  }
  throw new Error('bench: the stack did not go quiet after the load');
}

/**
 * The cart query through the gateway for carts of 1, 10 and 50 lines: requests/s and latency under
 * bounded load (autocannon, loopback only), and what each request cost the product subgraph — the
 * cart's product snapshot calls and the gateway's `_entities` batches, both of which must stay 1
 * whatever the number of lines. Calls are counted at the cart and product HTTP servers (headers
 * only, nothing added to the request path). Creates its own products and guest carts on `stack`;
 * `report` receives progress lines. Returns one table row per size.
 */
export async function runCartBench(
  stack: Stack,
  report: (line: string) => void,
  opts: CartBenchOptions = {},
): Promise<Record<string, string | number>[]> {
  const sizes = opts.sizes ?? [1, 10, 50];
  const admin = { authorization: `Bearer ${await stack.token('bench-admin', 'admin')}` };
  const run = randomUUID().slice(0, 8).toUpperCase();
  report(`cart bench: creating ${Math.max(...sizes)} products…`);
  const products: string[] = [];
  for (let i = 1; i <= Math.max(...sizes); i++) {
    const input = {
      sku: `BENCH-${run}-${i}`,
      name: `Bench item ${i}`,
      description: 'bench',
      price: 100 * i + 7,
      categorySlugs: [],
      initialStock: 1_000,
    };
    const data = await gateway(
      stack,
      'mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }',
      { input },
      admin,
    );
    products.push(data.createProduct.product.id as string);
  }

  const cartCalls = countCalls(stack.cart.server.httpServer, stack.signerKeys);
  const rows: Record<string, string | number>[] = [];
  try {
    for (const size of sizes) {
      const lines = products.slice(0, size).map((productId) => ({ productId, quantity: 2 }));
      const created = await gateway(
        stack,
        'mutation ($input: CreateCartInput) { createCart(input: $input) { cart { id } userErrors { code } } }',
        { input: { lines } },
      );
      if (created.createCart.userErrors.length) throw new Error(`bench setup: ${JSON.stringify(created.createCart.userErrors)}`);
      const id = created.createCart.cart.id as string;

      // One request on its own, counted exactly by its request id.
      const probe = randomUUID();
      const one = await gateway(stack, CART, { id }, { 'x-request-id': probe });
      if (one.cart.lines.length !== size) throw new Error(`bench: the cart has ${one.cart.lines.length} lines, not ${size}`);
      const single = stack.productCalls.calls(probe);

      report(`cart bench: ${size} line(s), ${opts.seconds ?? 5} s…`);
      const [productBefore, cartBefore, dbBefore] = [stack.productCalls.calls(), cartCalls.calls(), databaseCpuMs()];
      const result = await load(
        `cart(${size} lines)`,
        stack.gatewayUrl,
        { query: CART, variables: { id } },
        { seconds: opts.seconds, connections: opts.connections },
      );
      await quiet(() => [stack.productCalls.calls(), cartCalls.calls()]);
      const [productAfter, cartAfter, dbAfter] = [stack.productCalls.calls(), cartCalls.calls(), databaseCpuMs()];
      if (result.errors || result.non2xx) throw new Error(`${result.name}: ${result.errors} errors, ${result.non2xx} non-2xx responses`);
      const requests = cartAfter.gateway - cartBefore.gateway;
      const perRequest = (n: number) => (requests > 0 ? (n / requests).toFixed(2) : 'n/a');
      rows.push({
        lines: size,
        'req/s': result.requestsPerSec,
        'p50 ms': result.p50,
        'p99 ms': result.p99,
        'db CPU ms/request': requests > 0 ? ((dbAfter - dbBefore) / requests).toFixed(1) : 'n/a',
        'snapshot calls (one request)': single.cart,
        '_entities batches (one request)': single.gateway,
        'snapshot calls/request under load': perRequest(productAfter.cart - productBefore.cart),
        '_entities batches/request under load': perRequest(productAfter.gateway - productBefore.gateway),
      });
    }
  } finally {
    cartCalls.stop();
  }
  return rows;
}
