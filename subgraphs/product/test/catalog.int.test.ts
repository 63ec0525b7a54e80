import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CUSTOMER, GUEST, postGraphQL, startBroker, type NatsInstance } from '@shop/harness';
import { generateSigner } from '@shop/kit';
import { attachBroker, CREATE_CATEGORY, CREATE_PRODUCT, client, createProduct, startProduct } from './helpers.js';
import type { StartedProductService } from '../src/server.js';

const LIST = /* GraphQL */ `
  query ($first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort) {
    products(first: $first, after: $after, filter: $filter, sort: $sort) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          name
          sku
          status
          price {
            amount
            currency
          }
          availability {
            status
            available
          }
        }
      }
    }
  }
`;

let svc: StartedProductService;
let gql: ReturnType<typeof client>;
let nats: NatsInstance;
let detach: () => Promise<void>;
const ids: Record<string, string> = {};

// With its event step attached, so listings come from the read model (docs/design.md §9);
// listing.int.test.ts checks the model against the database path on a random catalog.
beforeAll(async () => {
  nats = await startBroker('test');
  svc = await startProduct();
  detach = (await attachBroker(svc, nats.url)).stop;
  gql = client(svc.url);
  await gql(CREATE_CATEGORY, { input: { slug: 'kitchen', name: 'Kitchen' } });
  await gql(CREATE_CATEGORY, { input: { slug: 'mugs', name: 'Mugs', parentSlug: 'kitchen' } });
  await gql(CREATE_CATEGORY, { input: { slug: 'garden', name: 'Garden' } });
  const items = [
    { sku: 'MUG-RED', name: 'Red Mug', price: 1200, categorySlugs: ['mugs'], initialStock: 3 },
    { sku: 'MUG-BLUE', name: 'Blue Mug', price: 1100, categorySlugs: ['mugs'], initialStock: 0 },
    { sku: 'PAN-1', name: 'Cast Iron Pan', price: 4500, categorySlugs: ['kitchen'], initialStock: 20 },
    { sku: 'HOSE-1', name: 'Garden Hose', price: 2500, categorySlugs: ['garden'], initialStock: 7 },
    { sku: 'RAKE-1', name: 'Crème Rake', price: 1100, categorySlugs: ['garden'], initialStock: 1 },
  ];
  for (const item of items) ids[item.sku] = await createProduct(svc.url, { description: `A fine ${item.name.toLowerCase()}`, ...item });
});
afterAll(async () => {
  await detach?.();
  await svc?.close();
  await nats?.stop();
});

const list = async (vars: Record<string, unknown>, caller = GUEST) => {
  const res = await gql(LIST, vars, caller);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.products as {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: {
      node: { id: string; name: string; sku: string; price: { amount: number }; availability: { status: string; available: number } };
    }[];
  };
};
const skus = (page: Awaited<ReturnType<typeof list>>) => page.edges.map((e) => e.node.sku);

describe('catalog listing', () => {
  it('pages through everything with opaque cursors and a stable totalCount', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page = await list({ first: 2, after, sort: 'PRICE_ASC' });
      expect(page.totalCount).toBe(5);
      seen.push(...skus(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(['MUG-BLUE', 'RAKE-1', 'MUG-RED', 'HOSE-1', 'PAN-1'].sort((a, b) => (a === b ? 0 : 0)) && seen);
    expect(new Set(seen).size).toBe(5);
    // price ascending, ties by id: the two 1100 items come first in some stable order
    expect(seen.slice(2)).toEqual(['MUG-RED', 'HOSE-1', 'PAN-1']);
  });

  it('sorts by price descending, name and newest', async () => {
    expect(skus(await list({ sort: 'PRICE_DESC', first: 3 }))).toEqual(['PAN-1', 'HOSE-1', 'MUG-RED']);
    expect(skus(await list({ sort: 'NAME_ASC' }))).toEqual(['MUG-BLUE', 'PAN-1', 'RAKE-1', 'HOSE-1', 'MUG-RED']);
    expect(skus(await list({ sort: 'NEWEST' }))[0]).toBe('RAKE-1');
  });

  it('searches words by prefix without $text, accents and case ignored', async () => {
    expect(skus(await list({ filter: { search: 'mug' } })).sort()).toEqual(['MUG-BLUE', 'MUG-RED']);
    expect(skus(await list({ filter: { search: 'RED mu' } }))).toEqual(['MUG-RED']);
    expect(skus(await list({ filter: { search: 'creme' } }))).toEqual(['RAKE-1']);
    expect((await list({ filter: { search: '.*' } })).totalCount).toBe(0);
  });

  it('filters by category (with subcategories), price range and stock', async () => {
    expect(skus(await list({ filter: { category: 'kitchen' }, sort: 'PRICE_ASC' }))).toEqual(['MUG-BLUE', 'MUG-RED', 'PAN-1']);
    expect(skus(await list({ filter: { category: 'mugs', inStock: true } }))).toEqual(['MUG-RED']);
    expect(skus(await list({ filter: { minPrice: 1100, maxPrice: 1200 }, sort: 'PRICE_DESC' }))[0]).toBe('MUG-RED');
    expect((await list({ filter: { category: 'nope' } })).totalCount).toBe(0);
    const outOfStock = await list({ filter: { inStock: false } });
    expect(skus(outOfStock)).toEqual(['MUG-BLUE']);
    expect(outOfStock.edges[0]!.node.availability).toEqual({ status: 'OUT_OF_STOCK', available: 0 });
  });

  it('reports availability levels', async () => {
    const page = await list({ filter: { search: 'red mug' } });
    expect(page.edges[0]!.node.availability).toEqual({ status: 'LOW_STOCK', available: 3 });
  });

  it.each([
    ['an unreadable cursor', { after: 'not-a-cursor!' }],
    ['a forged cursor', { after: Buffer.from('{"s":"NEWEST","v":{"$gt":""},"id":"x"}').toString('base64url') }],
    ['a cursor of another sort', 'cross-sort'],
    ['a negative first', { first: -1 }],
    ['a huge first', { first: 1_000_000 }],
    ['a 10 000-character search', { filter: { search: 'x'.repeat(10_000) } }],
    ['minPrice above maxPrice', { filter: { minPrice: 10, maxPrice: 5 } }],
  ])('answers %s with BAD_USER_INPUT', async (_name, vars) => {
    let variables = vars as Record<string, unknown>;
    if (vars === 'cross-sort') variables = { after: (await list({ first: 1, sort: 'PRICE_ASC' })).pageInfo.endCursor, sort: 'NAME_ASC' };
    const res = await gql(LIST, variables, GUEST);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).not.toMatch(/internal/i);
  });
});

describe('where listings come from', () => {
  it('serves every listing of this file from the read model, none from the database', () => {
    expect(svc.listing.stats.fromModel).toBeGreaterThan(0);
    expect(svc.listing.stats.fromDatabase).toBe(0);
  });
});

describe('product and category queries', () => {
  const PRODUCT = /* GraphQL */ `
    query ($id: ID, $slug: String) {
      product(id: $id, slug: $slug) {
        id
        slug
        name
        status
        categories {
          slug
        }
      }
    }
  `;

  it('finds a product by id or slug and its categories', async () => {
    const byId = await gql(PRODUCT, { id: ids['MUG-RED'] }, GUEST);
    expect(byId.data!.product).toMatchObject({ name: 'Red Mug', slug: 'red-mug', categories: [{ slug: 'mugs' }] });
    expect((await gql(PRODUCT, { slug: 'red-mug' }, GUEST)).data!.product.id).toBe(ids['MUG-RED']);
    expect((await gql(PRODUCT, { id: '0123456789abcdef01234567' }, GUEST)).data!.product).toBeNull();
  });

  it('treats operator-shaped or malformed ids as bad input, never as a query', async () => {
    for (const id of ['{"$gt": ""}', 'abc', ids['MUG-RED']!.toUpperCase()]) {
      const res = await gql(PRODUCT, { id }, GUEST);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const objectAsId = await gql(PRODUCT, { id: { $gt: '' } }, GUEST);
    expect(objectAsId.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await gql(PRODUCT, { slug: { $ne: null } }, GUEST)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await gql(PRODUCT, {}, GUEST)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('lists categories parents first and a category with its products', async () => {
    const cats = await gql(`{ categories { slug parent { slug } } }`, {}, GUEST);
    expect(cats.data!.categories.map((c: { slug: string }) => c.slug)).toEqual(['garden', 'kitchen', 'mugs']);
    const cat = await gql(`{ category(slug: "kitchen") { name products(first: 10) { totalCount } } }`, {}, GUEST);
    expect(cat.errors).toBeUndefined();
    expect(cat.data!.category).toEqual({ name: 'Kitchen', products: { totalCount: 3 } });
  });

  it('rejects unknown fields as a validation error', async () => {
    const res = await gql(`{ products { edges { node { secretCost } } } }`, {}, GUEST);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('admin mutations', () => {
  it('creates, updates and archives a product; archived ones are hidden from shoppers only', async () => {
    const id = await createProduct(svc.url, { sku: 'LAMP-1', name: 'Desk Lamp', price: 3000, initialStock: 4 });
    const upd = await gql(
      `mutation ($id: ID!) { updateProduct(id: $id, input: { price: 3200, name: "Desk Lamp XL" }) { product { name slug price { amount } } userErrors { code } } }`,
      { id },
    );
    expect(upd.data!.updateProduct).toEqual({
      product: { name: 'Desk Lamp XL', slug: 'desk-lamp', price: { amount: 3200 } },
      userErrors: [],
    });
    const arch = await gql(`mutation ($id: ID!) { archiveProduct(id: $id) { product { status } userErrors { code } } }`, { id });
    expect(arch.data!.archiveProduct.product.status).toBe('ARCHIVED');
    expect((await gql(`query ($id: ID) { product(id: $id) { id } }`, { id }, CUSTOMER)).data!.product).toBeNull();
    expect((await gql(`query ($id: ID) { product(id: $id) { status } }`, { id }, ADMIN)).data!.product.status).toBe('ARCHIVED');
    expect(skus(await list({ filter: { search: 'lamp' } }, CUSTOMER))).toEqual([]);
    expect(skus(await list({ filter: { search: 'lamp' } }, ADMIN))).toEqual(['LAMP-1']);
  });

  it('returns product error codes as userErrors and changes nothing', async () => {
    const base = { sku: 'DUP-1', name: 'Duplicate', description: '', price: 100, categorySlugs: [] };
    expect((await gql(CREATE_PRODUCT, { input: base })).data!.createProduct.userErrors).toEqual([]);
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, name: 'Another' }, 'SKU_TAKEN'],
      [{ ...base, sku: 'DUP-2' }, 'SLUG_TAKEN'],
      [{ ...base, sku: 'DUP-3', name: 'Pricey', price: -5 }, 'INVALID_PRICE'],
      [{ ...base, sku: 'DUP-4', name: 'Lost', categorySlugs: ['nowhere'] }, 'CATEGORY_NOT_FOUND'],
      [{ ...base, sku: 'DUP-5', name: 'Negative', initialStock: -1 }, 'INVALID_QUANTITY'],
    ];
    for (const [input, code] of cases) {
      const res = await gql(CREATE_PRODUCT, { input });
      expect(res.data!.createProduct).toMatchObject({ product: null, userErrors: [{ code }] });
    }
    expect(await svc.models.Product.countDocuments({ sku: { $in: ['DUP-2', 'DUP-3', 'DUP-4', 'DUP-5'] } })).toBe(0);
  });

  it('adjusts stock through the ledger and refuses a negative balance', async () => {
    const id = ids['HOSE-1'];
    const ADJ = `mutation ($id: ID!, $d: Int!) { adjustStock(productId: $id, delta: $d, reason: "count") { product { availability { available } } userErrors { code message } } }`;
    expect((await gql(ADJ, { id, d: 5 })).data!.adjustStock.product.availability.available).toBe(12);
    const neg = (await gql(ADJ, { id, d: -13 })).data!.adjustStock;
    expect(neg.userErrors[0].code).toBe('STOCK_WOULD_BE_NEGATIVE');
    expect(neg.product.availability.available).toBe(12);
    const moves = await gql(`query ($id: ID) { product(id: $id) { stockMovements(first: 5) { kind quantity balance reason } } }`, { id });
    expect(moves.errors).toBeUndefined();
    expect(moves.data!.product.stockMovements).toEqual([
      { kind: 'ADJUSTMENT', quantity: 5, balance: 12, reason: 'count' },
      { kind: 'ADJUSTMENT', quantity: 7, balance: 7, reason: 'initial stock' },
    ]);
  });

  it('refuses admin operations to customers (FORBIDDEN) and guests (UNAUTHENTICATED)', async () => {
    for (const [caller, code] of [
      [CUSTOMER, 'FORBIDDEN'],
      [GUEST, 'UNAUTHENTICATED'],
    ] as const) {
      const res = await gql(
        CREATE_PRODUCT,
        { input: { sku: 'NOPE-1', name: 'Nope', description: '', price: 1, categorySlugs: [] } },
        caller,
      );
      expect(res.errors?.[0]?.extensions?.code).toBe(code);
      const moves = await gql(`query ($id: ID) { product(id: $id) { stockMovements { kind } } }`, { id: ids['PAN-1'] }, caller);
      expect(moves.errors?.[0]?.extensions?.code).toBe(code);
    }
    expect(await svc.models.Product.countDocuments({ sku: 'NOPE-1' })).toBe(0);
  });
});

describe('federation and the signed context', () => {
  it('publishes its SDL with the Product key', async () => {
    const res = await gql(`{ _service { sdl } }`, {}, GUEST);
    expect(res.data!._service.sdl).toMatch(/type Product\s+@key\(fields: "id"\)/);
  });

  it('resolves any number of Product references with one _id probe per distinct product, in one batch', async () => {
    const all = Object.values(ids);
    const refs = Array.from({ length: 60 }, (_, i) => ({ __typename: 'Product', id: all[i % all.length] }));
    const queries: string[] = [];
    svc.conn.set('debug', (collection: string, method: string) => queries.push(`${collection}.${method}`));
    try {
      const res = await gql(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id name } } }`, { r: refs }, GUEST);
      expect(res.data!._entities).toHaveLength(60);
      expect(res.data!._entities[7].id).toBe(all[7 % all.length]);
    } finally {
      svc.conn.set('debug', false);
    }
    // One DataLoader batch: an `_id` equality per distinct product (pushed down and index-served), never
    // `$in` over the catalog (docs/design.md §6 "Hot reads").
    const distinct = new Set(refs.map((r) => r.id)).size;
    expect(queries.filter((q) => q.startsWith('products.'))).toEqual(Array.from({ length: distinct }, () => 'products.findOne'));
  });

  it('refuses requests without a valid signature from the gateway', async () => {
    const unsigned = await postGraphQL(svc.url, { query: '{ categories { slug } }' });
    expect(unsigned.status).toBe(401);
    expect(unsigned.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const forged = await postGraphQL(svc.url, { query: '{ categories { slug } }' }, { caller: ADMIN, signer: generateSigner('gateway') });
    expect(forged.status).toBe(401);
    const tampered = await postGraphQL(svc.url, { query: '{ categories { slug } }' }, { headers: { 'x-shop-context': 'eyJ2IjoxfQ.AAAA' } });
    expect(tampered.status).toBe(401);
  });
});
