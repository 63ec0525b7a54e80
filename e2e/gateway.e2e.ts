import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { print } from 'graphql';
import {
  AdjustStockDocument,
  CreateCategoryDocument,
  CreateProductDocument,
  ProductsDocument,
  ProductDocument,
} from './__generated__/operations.js';
import { bearer, call, startStack, type Stack } from './support/stack.js';

let stack: Stack;
let admin: Record<string, string>;
let customer: Record<string, string>;

beforeAll(async () => {
  stack = await startStack(inject('mongoUrl'));
  admin = bearer(await stack.token('ada', 'admin'));
  customer = bearer(await stack.token('carl', 'customer'));
  await call(stack.gatewayUrl, print(CreateCategoryDocument), { input: { slug: 'books', name: 'Books' } }, admin);
  for (let i = 1; i <= 5; i++) {
    const res = await call(
      stack.gatewayUrl,
      print(CreateProductDocument),
      {
        input: { sku: `BOOK-${i}`, name: `Book ${i}`, description: 'A book', price: 999 + i, categorySlugs: ['books'], initialStock: i },
      },
      admin,
    );
    expect(res.data.createProduct.userErrors).toEqual([]);
  }
});
afterAll(() => stack?.close());

describe('the gateway', () => {
  it('serves products(first: 3) with prices in minor units', async () => {
    const res = await call(stack.gatewayUrl, print(ProductsDocument), { first: 3, sort: 'PRICE_ASC' });
    expect(res.status).toBe(200);
    expect(res.data.products.totalCount).toBe(5);
    expect(res.data.products.edges.map((e: any) => [e.node.sku, e.node.price])).toEqual([
      ['BOOK-1', { amount: 1000, currency: 'USD' }],
      ['BOOK-2', { amount: 1001, currency: 'USD' }],
      ['BOOK-3', { amount: 1002, currency: 'USD' }],
    ]);
  });

  it('lets admins change the catalog and refuses customers and guests', async () => {
    const id = (await call(stack.gatewayUrl, print(ProductDocument), { slug: 'book-2' })).data.product.id;
    const vars = { productId: id, delta: 3, reason: 'delivery' };
    const ok = await call(stack.gatewayUrl, print(AdjustStockDocument), vars, admin);
    expect(ok.data.adjustStock.product.availability.available).toBe(5);
    const asCustomer = await call(stack.gatewayUrl, print(AdjustStockDocument), vars, customer);
    expect(asCustomer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asGuest = await call(stack.gatewayUrl, print(AdjustStockDocument), vars);
    expect(asGuest.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await call(stack.gatewayUrl, print(ProductDocument), { id })).data.product.availability.available).toBe(5);
  });

  it('strips identity headers sent by clients', async () => {
    const { generateSigner, signContext } = await import('@shop/kit');
    const forged = signContext(generateSigner('gateway'), { kind: 'user', sub: 'ada', roles: ['admin'] });
    const res = await call(
      stack.gatewayUrl,
      print(CreateCategoryDocument),
      { input: { slug: 'forged', name: 'Forged' } },
      { 'x-shop-context': forged },
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const cats = await call(stack.gatewayUrl, '{ categories { slug } }');
    expect(cats.data.categories.map((c: any) => c.slug)).not.toContain('forged');
  });

  it('refuses malformed, forged and expired tokens with 401', async () => {
    const { SignJWT } = await import('jose');
    const wrongKey = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('some-other-secret-entirely'));
    const expired = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode('e2e-only-jwt-secret-0123456789'));
    for (const authorization of ['Bearer nope', `Bearer ${wrongKey}`, `Bearer ${expired}`, 'Basic YTpi']) {
      const res = await call(stack.gatewayUrl, '{ categories { slug } }', {}, { authorization });
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('answers bad input with clear errors and never INTERNAL_SERVER_ERROR', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [print(ProductsDocument), { after: 'garbage' }, 'BAD_USER_INPUT'],
      [print(ProductsDocument), { first: -5 }, 'BAD_USER_INPUT'],
      [print(ProductsDocument), { first: 10_000 }, 'BAD_USER_INPUT'],
      [print(ProductsDocument), { filter: { search: 'a'.repeat(10_000) } }, 'BAD_USER_INPUT'],
      [print(ProductDocument), { id: { $gt: '' } }, 'BAD_USER_INPUT'],
      [print(ProductDocument), { id: '{"$gt": ""}' }, 'BAD_USER_INPUT'],
      ['{ products { edges { node { costPrice } } } }', {}, 'GRAPHQL_VALIDATION_FAILED'],
      ['{ products(first: 2 ', {}, 'GRAPHQL_PARSE_FAILED'],
    ];
    for (const [query, variables, code] of cases) {
      const res = await call(stack.gatewayUrl, query, variables);
      expect(res.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe(code);
      expect(JSON.stringify(res)).not.toMatch(/INTERNAL_SERVER_ERROR|stacktrace| {4}at /);
    }
  });

  it('hides internal mutations from the public API', async () => {
    const res = await call(stack.gatewayUrl, 'mutation { releaseReservation(orderId: "x", reason: "y") { ok } }', {}, admin);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('serves health, readiness, CSRF prevention and the Sandbox landing page', async () => {
    const base = stack.gatewayUrl.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { subgraphs: true } });
    const page = await fetch(stack.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(await page.text()).toMatch(/embeddable-sandbox|apollo-sandbox|EmbeddedSandbox/i);
    const simple = await fetch(`${stack.gatewayUrl}?query=${encodeURIComponent('{ categories { slug } }')}`);
    expect(simple.status).toBe(400); // a GET without a preflight header is refused (CSRF)
    const preflighted = await fetch(`${stack.gatewayUrl}?query=${encodeURIComponent('{ categories { slug } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(preflighted.status).toBe(200);
  });

  it('refuses direct calls to a subgraph that lack the gateway signature', async () => {
    const res = await call(stack.productUrl, '{ categories { slug } }', {}, admin);
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
