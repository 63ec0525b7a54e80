import { randomUUID } from 'node:crypto';
import type { Stack } from '../e2e/support/stack.js';

async function gql(stack: Stack, query: string, variables: Record<string, unknown>, token?: string): Promise<any> {
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ADDRESS = { name: 'Bench Buyer', line1: '1 Loop Road', city: 'Localhost', postalCode: '12345', country: 'US' };

/**
 * Whole purchases through the gateway as a guest: cart → checkout → payOrder(tok_visa) → poll until the
 * order is PAID (the sandbox settles by webhook, payment publishes payment.succeeded, order consumes it).
 * `flows` purchases, `concurrency` at a time. Needs a stack started with NATS.
 */
export async function runCheckoutBench(stack: Stack, flows: number, concurrency: number): Promise<Record<string, string | number>[]> {
  const admin = await stack.token('bench-admin', 'admin');
  const created = await gql(
    stack,
    'mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code } } }',
    {
      input: {
        sku: `BENCH-${randomUUID().slice(0, 8).toUpperCase()}`,
        name: `Bench item ${randomUUID()}`,
        description: 'bench',
        price: 1999,
        categorySlugs: [],
        initialStock: flows * 2,
      },
    },
    admin,
  );
  const productId = created.createProduct.product.id as string;
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < flows) {
      next++;
      const cart = await gql(stack, 'mutation ($input: CreateCartInput) { createCart(input: $input) { cart { id } } }', {
        input: { lines: [{ productId, quantity: 1 }] },
      });
      const checkout = await gql(
        stack,
        'mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id } userErrors { code message } } }',
        { input: { cartId: cart.createCart.cart.id, email: 'bench@shop.example', shippingAddress: ADDRESS, idempotencyKey: randomUUID() } },
      );
      const orderId = checkout.checkout.order?.id as string | undefined;
      if (!orderId) throw new Error(`checkout failed: ${JSON.stringify(checkout.checkout.userErrors)}`);
      const payStarted = performance.now();
      const pay = await gql(
        stack,
        'mutation ($input: PayOrderInput!) { payOrder(input: $input) { payment { status } userErrors { code message } } }',
        { input: { orderId, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
      );
      if (pay.payOrder.userErrors.length) throw new Error(`payOrder failed: ${JSON.stringify(pay.payOrder.userErrors)}`);
      for (;;) {
        const o = await gql(stack, 'query ($id: ID!) { order(id: $id) { status } }', { id: orderId });
        if (o.order.status === 'PAID') break;
        if (performance.now() - payStarted > 30_000) throw new Error(`order ${orderId} not PAID after 30 s`);
        await new Promise((r) => setTimeout(r, 20)); // polling interval of the client, not a fixed wait on the system
      }
      latencies.push(performance.now() - payStarted);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return [
    {
      purchases: flows,
      concurrency,
      'purchases/s (cart → PAID)': (flows / seconds).toFixed(1),
      'payOrder → PAID p50 ms': Math.round(percentile(latencies, 50)),
      'payOrder → PAID p99 ms': Math.round(percentile(latencies, 99)),
    },
  ];
}
