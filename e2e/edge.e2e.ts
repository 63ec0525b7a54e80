import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { print } from 'graphql';
import * as gateway from '@shop/gateway';
import { CreateCategoryDocument, ProductsDocument } from './__generated__/operations.js';
import { bearer, call, partnerCall, startStack, type Stack } from './support/stack.js';

/**
 * The gateway's edge: partners on the safelist by id only, query limits, body size and the
 * refusals' effect on everyone else. Rate limits, APQ across replicas and production mode: edge-*.e2e.ts.
 */
let stack: Stack;
let admin: Record<string, string>;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

beforeAll(async () => {
  stack = await startStack(inject('mongoUrl'));
  admin = bearer(await stack.token('ada', 'admin'));
  await call(stack.gatewayUrl, print(CreateCategoryDocument), { input: { slug: 'tea', name: 'Tea' } }, admin);
  for (let i = 1; i <= 3; i++) {
    await stack.createProduct({
      sku: `TEA-${i}`,
      name: `Tea ${i}`,
      description: 'Leaves',
      price: 500 + i,
      categorySlugs: ['tea'],
      initialStock: 10,
    });
  }
});
afterAll(() => stack?.close());

describe('partners', () => {
  let key: string;
  beforeAll(async () => {
    key = await stack.addPartner('acme', ['PartnerProducts', 'PartnerProduct']);
  });

  it('run a granted operation by id, with POST and with GET', async () => {
    const vars = { first: 2, sort: 'PRICE_ASC' };
    const post = await partnerCall(stack.gatewayUrl, key, { id: stack.partnerOps.PartnerProducts!, variables: vars });
    expect(post.status).toBe(200);
    expect(post.errors).toBeUndefined();
    expect(post.data.products.edges.map((e: any) => e.node.sku)).toEqual(['TEA-1', 'TEA-2']);
    const get = await partnerCall(stack.gatewayUrl, key, { id: stack.partnerOps.PartnerProducts!, variables: vars, method: 'GET' });
    expect(get.status).toBe(200);
    expect(get.data).toEqual(post.data);
    const bySlug = await partnerCall(stack.gatewayUrl, key, {
      id: stack.partnerOps.PartnerProduct!,
      variables: { slug: 'tea-3' },
      method: 'GET',
    });
    expect(bySlug.data.product.sku).toBe('TEA-3');
  });

  it('refuse the same operation sent as text, even with its id', async () => {
    const manifest = gateway.loadSafelist();
    const body = manifest.byId.get(stack.partnerOps.PartnerProducts!)!.body;
    for (const method of ['POST', 'GET'] as const) {
      const res = await partnerCall(stack.gatewayUrl, key, { id: stack.partnerOps.PartnerProducts!, query: body, method });
      expect(res.status).toBe(400);
      expect(res.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_REQUIRED');
      expect(res.data).toBeUndefined();
    }
    const plain = await call(stack.gatewayUrl, body, { first: 1 }, { 'x-api-key': key });
    expect(plain.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_REQUIRED');
  });

  it('refuse an id that is not in the safelist, even one a first-party client registered by APQ', async () => {
    const unknown = await partnerCall(stack.gatewayUrl, key, { id: 'f'.repeat(64) });
    expect(unknown.status).toBe(400);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    // A first-party client registers an operation through APQ; the id is then known to Apollo, not to the safelist.
    const query = '{ categories { slug } }';
    const id = sha256(query);
    const registered = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash: id } } }),
    });
    expect(((await registered.json()) as any).data.categories).toBeDefined();
    const asPartner = await partnerCall(stack.gatewayUrl, key, { id });
    expect(asPartner.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect(asPartner.data).toBeUndefined();
  });

  it('refuse a listed operation that was not granted to them', async () => {
    const res = await partnerCall(stack.gatewayUrl, key, { id: stack.partnerOps.PartnerCategories! });
    expect(res.status).toBe(403);
    expect(res.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_GRANTED');
    expect(res.data).toBeUndefined();
    const other = await stack.addPartner('globex', 'all');
    const ok = await partnerCall(stack.gatewayUrl, other, { id: stack.partnerOps.PartnerCategories! });
    expect(ok.data.categories.map((c: any) => c.slug)).toContain('tea');
  });

  it('refuse a wrong key, a revoked key, and a key sent together with a bearer token', async () => {
    const id = stack.partnerOps.PartnerProducts!;
    const wrong = await partnerCall(stack.gatewayUrl, `shp_${'A'.repeat(43)}`, { id });
    expect(wrong.status).toBe(401);
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const garbage = await partnerCall(stack.gatewayUrl, 'not a key', { id });
    expect(garbage.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const doomed = await stack.addPartner('initech', 'all');
    expect((await partnerCall(stack.gatewayUrl, doomed, { id, variables: { first: 1 } })).status).toBe(200);
    await stack.revokePartner('initech');
    const revoked = await partnerCall(stack.gatewayUrl, doomed, { id, variables: { first: 1 } });
    expect(revoked.status).toBe(401);
    expect(revoked.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const both = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, ...admin },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: id } } }),
    });
    expect(both.status).toBe(400);
  });

  it('refuse registering unknown operations, bad names and reused names', async () => {
    await expect(stack.addPartner('umbrella', ['NoSuchOperation'])).rejects.toThrow(/not in the partner safelist: NoSuchOperation/);
    await expect(stack.addPartner('Bad Name!', 'all')).rejects.toThrow(/not a valid partner name/);
    await expect(stack.addPartner('acme', 'all')).rejects.toThrow(/already exists/);
  });

  it('count usage per partner and operation, failures included', async () => {
    const key2 = await stack.addPartner('hooli', ['PartnerProducts', 'PartnerProduct']);
    for (let i = 0; i < 3; i++)
      await partnerCall(stack.gatewayUrl, key2, { id: stack.partnerOps.PartnerProducts!, variables: { first: 1 } });
    // A variable of the wrong type: admitted, executed, answered with an error.
    const bad = await partnerCall(stack.gatewayUrl, key2, { id: stack.partnerOps.PartnerProduct!, variables: { id: { $ne: null } } });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await partnerCall(stack.gatewayUrl, key2, { id: stack.partnerOps.PartnerCategories! }); // not granted: refused, not usage
    await stack.flushUsage();
    const rows = await gateway.usageReport(stack.partners, { partner: 'hooli' });
    expect(rows.map((r) => [r.operationName, r.requests, r.failures])).toEqual([
      ['PartnerProduct', 1, 1],
      ['PartnerProducts', 3, 0],
    ]);
  });
});

describe('query limits', () => {
  const deep = (levels: number) => {
    // category.parent.parent… nests as deep as asked; the API schema allows it, the limits must not.
    let sel = 'slug';
    for (let i = 0; i < levels; i++) sel = `parent { ${sel} }`;
    return `query Deep { category(slug: "tea") { slug ${sel} } }`;
  };

  async function refused(name: string, send: () => Promise<Response>) {
    const res = await send();
    const body = (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
    const calls = stack.productCalls.calls(name);
    return { status: res.status, body, productCalls: calls.gateway + calls.cart };
  }

  const post = (requestId: string, body: string) => () =>
    fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId }, body });

  it('refuse a 20-level deep query, 1 000 aliases, a 5 MB body and a huge list before any subgraph is called, while normal traffic is served', async () => {
    const normal = Array.from({ length: 40 }, (_, i) =>
      call(stack.gatewayUrl, print(ProductsDocument), { first: 2 }, { 'x-request-id': `normal-${i}` }),
    );
    const aliases = `query Aliases { ${Array.from({ length: 1000 }, (_, i) => `a${i}: categories { slug }`).join(' ')} }`;
    const ids = Array.from({ length: 30_000 }, (_, i) => String(i).padStart(24, '0')); // ~0.8 MB: under the body limit;
    const attacks = await Promise.all([
      refused('deep', post('deep', JSON.stringify({ query: deep(20) }))),
      refused('aliases', post('aliases', JSON.stringify({ query: aliases }))),
      refused('big', post('big', JSON.stringify({ query: '{ categories { slug } }', variables: { pad: 'x'.repeat(5 * 1024 * 1024) } }))),
      refused(
        'list',
        post(
          'list',
          JSON.stringify({
            query: 'mutation ($cart: ID!, $ids: [ID!]!) { removeCartLines(cartId: $cart, productIds: $ids) { userErrors { code } } }',
            variables: { cart: '00000000-0000-4000-8000-000000000000', ids },
          }),
        ),
      ),
    ]);
    const [depth, alias, body, list] = attacks;
    expect(depth.status).toBe(400);
    expect(depth.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(depth.body.errors?.map((e) => e.message).join('\n')).toMatch(/depth limit of 10 exceeded/i);
    expect(alias.status).toBe(400);
    expect(alias.body.errors?.map((e) => e.message).join(' ')).toMatch(/aliases limit of 15 exceeded|more th[ae]t? 2000 tokens/i);
    expect(body.status).toBe(413);
    expect(body.body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(list.status).toBe(400);
    expect(list.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(list.body.errors?.[0]?.message).toMatch(/at most 200 are accepted/);
    for (const a of attacks) {
      expect(a.body.data).toBeUndefined();
      expect(a.productCalls).toBe(0);
    }
    const served = await Promise.all(normal);
    expect(served.every((r) => r.status === 200 && !r.errors && r.data.products.edges.length === 2)).toBe(true);
  });

  it('keep serving normal traffic during a flood of refused requests', async () => {
    const aliases = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: categories { slug }`).join(' ')} }`;
    const ids = Array.from({ length: 30_000 }, (_, i) => String(i).padStart(24, '0'));
    const list = JSON.stringify({
      query: 'mutation ($cart: ID!, $ids: [ID!]!) { removeCartLines(cartId: $cart, productIds: $ids) { userErrors { code } } }',
      variables: { cart: '00000000-0000-4000-8000-000000000000', ids },
    });
    const big = JSON.stringify({ query: '{ categories { slug } }', variables: { pad: 'x'.repeat(5 * 1024 * 1024) } });
    const abusive = [
      ...Array.from({ length: 50 }, (_, i) => refused(`flood-deep-${i}`, post(`flood-deep-${i}`, JSON.stringify({ query: deep(20) })))),
      ...Array.from({ length: 50 }, (_, i) => refused(`flood-alias-${i}`, post(`flood-alias-${i}`, JSON.stringify({ query: aliases })))),
      ...Array.from({ length: 20 }, (_, i) => refused(`flood-list-${i}`, post(`flood-list-${i}`, list))),
      ...Array.from({ length: 10 }, (_, i) => refused(`flood-big-${i}`, post(`flood-big-${i}`, big))),
    ];
    const normal = Array.from({ length: 100 }, (_, i) =>
      call(stack.gatewayUrl, print(ProductsDocument), { first: 2, sort: 'PRICE_ASC' }, { 'x-request-id': `flood-normal-${i}` }),
    );
    const [refusals, served] = await Promise.all([Promise.all(abusive), Promise.all(normal)]);
    expect(refusals.map((r) => r.status).sort()).toEqual([...Array(120).fill(400), ...Array(10).fill(413)]);
    expect(refusals.every((r) => r.body.data === undefined && r.productCalls === 0)).toBe(true);
    expect(served.filter((r) => r.status !== 200 || r.errors)).toEqual([]);
    expect(new Set(served.map((r) => JSON.stringify(r.data.products.edges.map((e: any) => e.node.sku))))).toEqual(
      new Set([JSON.stringify(['TEA-1', 'TEA-2'])]),
    );
    // Answered by the product subgraph during the flood, not refused or cached. Identical concurrent guest
    // queries share one execution (gateway README, "In-flight deduplication"), so the 100 make at least one
    // product call between them, carrying one of their request ids.
    const reached = served.reduce((sum, _, i) => sum + stack.productCalls.calls(`flood-normal-${i}`).gateway, 0);
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeLessThanOrEqual(100);
  });

  it('accept queries within the limits (9 levels, 15 aliases) and name the alias limit when it alone is exceeded', async () => {
    const ok = await call(stack.gatewayUrl, deep(8));
    expect(ok.errors).toBeUndefined();
    expect(ok.data.category.slug).toBe('tea');
    const aliases = await call(stack.gatewayUrl, `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: categories { slug }`).join(' ')} }`);
    expect(aliases.errors).toBeUndefined();
    // 100 aliases stay under the token limit, so the alias limit itself answers.
    const tooMany = await call(stack.gatewayUrl, `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: categories { slug }`).join(' ')} }`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.errors?.map((e) => e.message).join('\n')).toMatch(/aliases limit of 15 exceeded, found 100/i);
  });

  it('refuse too many tokens, too many directives and too high a cost, each with its own message', async () => {
    const callsBefore = stack.productCalls.calls().gateway;
    const tokens = await call(stack.gatewayUrl, `{ categories { ${'slug '.repeat(3000)} } }`);
    expect(tokens.status).toBe(400);
    expect(tokens.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(tokens.errors?.[0]?.message).toMatch(/more than 2000 tokens|more that 2000 tokens/i);
    const directives = await call(stack.gatewayUrl, `{ categories { slug ${'@include(if: true) '.repeat(60)} } }`);
    expect(directives.status).toBe(400);
    expect(directives.errors?.[0]?.message).toMatch(/directives limit of 50 exceeded/i);
    // One query within depth, aliases and tokens, but 100 products with nested category parents each.
    const node = 'id sku slug name description images status price { amount currency } categories { slug parent { slug parent { slug } } }';
    const costly = await call(stack.gatewayUrl, `{ products(first: 100) { totalCount edges { cursor node { ${node} } } } }`);
    expect(costly.status).toBe(400);
    expect(costly.errors?.map((e) => e.message)).toEqual([expect.stringMatching(/Query Cost limit of 5000 exceeded, found \d+/)]);
    expect(stack.productCalls.calls().gateway).toBe(callsBefore);
  });

  it('answer broken JSON with a GraphQL-shaped 400', async () => {
    const res = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
  });
});

describe('development mode', () => {
  it('serves Apollo Sandbox embedded and pointed at the gateway itself', async () => {
    const res = await fetch(stack.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('embeddable-sandbox');
    expect(html).toMatch(/initialEndpoint|endpoint/);
  });

  it('allows introspection for Sandbox and codegen', async () => {
    const res = await call(stack.gatewayUrl, '{ __schema { queryType { name } } }');
    expect(res.data.__schema.queryType.name).toBe('Query');
  });
});
