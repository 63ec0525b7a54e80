import { CONTEXT_HEADER, signContext, type Signer } from '@shop/kit';
import type { Stack } from '../e2e/support/stack.js';
import { load, type LoadResult } from './lib.js';

const LIST = { query: '{ products(first: 20, sort: PRICE_ASC) { totalCount edges { node { id slug name price { amount currency } } } } }' };
const BY_ID = (id: string) => ({
  query: 'query ($id: ID) { product(id: $id) { id name price { amount } categories { slug } } }',
  variables: { id },
});

const BY_SLUG = (slug: string) => ({
  query: 'query ($slug: String) { product(slug: $slug) { id name price { amount } categories { slug } } }',
  variables: { slug },
});

/** Product listing and product-by-id, through the gateway and straight at the subgraph (signed as the gateway would). */
export async function runCatalogBench(stack: Stack, signer: Signer, seconds: number): Promise<Record<string, string | number>[]> {
  const some = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(LIST),
  });
  const seventh = ((await some.json()) as any).data.products.edges[7].node as { id: string; slug: string };
  const id = seventh.id;
  const rows: Record<string, string | number>[] = [];
  for (const [name, body] of [
    ['products(first: 20)', LIST],
    ['product(id)', BY_ID(id)],
    ['product(slug)', BY_SLUG(seventh.slug)],
  ] as const) {
    const viaGateway: LoadResult = await load(`${name} via gateway`, stack.gatewayUrl, body, { seconds });
    const straight: LoadResult = await load(`${name} direct`, stack.productUrl, body, {
      seconds,
      headers: () => ({ [CONTEXT_HEADER]: signContext(signer, { kind: 'guest' }) }),
    });
    for (const r of [viaGateway, straight]) {
      if (r.errors || r.non2xx) throw new Error(`${r.name}: ${r.errors} errors, ${r.non2xx} non-2xx responses`);
    }
    rows.push({
      operation: name,
      'gateway req/s': viaGateway.requestsPerSec,
      'gateway p50 ms': viaGateway.p50,
      'gateway p99 ms': viaGateway.p99,
      'direct req/s': straight.requestsPerSec,
      'direct p50 ms': straight.p50,
      'direct p99 ms': straight.p99,
      'gateway/direct throughput': (viaGateway.requestsPerSec / straight.requestsPerSec).toFixed(2),
    });
  }
  return rows;
}

/** Database queries the product subgraph makes for one `_entities` request of n references. */
export async function runEntityBatchingBench(
  stack: Stack,
  signer: Signer,
  sizes: readonly number[],
): Promise<Record<string, string | number>[]> {
  const page = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ products(first: 100) { edges { node { id } } } }' }),
  });
  const ids = ((await page.json()) as any).data.products.edges.map((e: any) => e.node.id as string);
  const rows: Record<string, string | number>[] = [];
  for (const n of sizes) {
    const representations = Array.from({ length: n }, (_, i) => ({ __typename: 'Product', id: ids[i % ids.length] }));
    const queries: string[] = [];
    stack.product.conn.set('debug', (collection: string, method: string) => queries.push(`${collection}.${method}`));
    const started = performance.now();
    const res = await fetch(stack.productUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [CONTEXT_HEADER]: signContext(signer, { kind: 'service', service: 'gateway' }),
      },
      body: JSON.stringify({
        query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id name } } }',
        variables: { r: representations },
      }),
    });
    const body = (await res.json()) as any;
    const ms = performance.now() - started;
    stack.product.conn.set('debug', false);
    if (body.data?._entities?.length !== n) throw new Error(`_entities returned ${body.data?._entities?.length} of ${n}`);
    rows.push({
      references: n,
      'distinct products': new Set(representations.map((r) => r.id)).size,
      'product queries (_id probes)': queries.filter((q) => q.startsWith('products.')).length,
      'all queries': queries.length,
      'ms (one request)': ms.toFixed(1),
    });
  }
  return rows;
}
