import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { GUEST, startBroker, testDbName, waitFor, type NatsInstance } from '@shop/harness';
import { normalize, searchText } from '../src/domain.js';
import { buildListingModel } from '../src/listing-feed.js';
import type { ListArgs, ProductFilterInput, ProductPage, ProductSort } from '../src/listing.js';
import type { CategoryDoc, ProductDoc } from '../src/model.js';
import type { StartedProductService } from '../src/server.js';
import { attachBroker, client, createProduct, startProduct } from './helpers.js';

/** The listing read model (docs/design.md §9): the same pages as the database, fresh after a write, on every replica. */

const LIST = /* GraphQL */ `
  query ($first: Int, $filter: ProductFilter, $sort: ProductSort) {
    products(first: $first, filter: $filter, sort: $sort) {
      totalCount
      edges {
        node {
          id
          price {
            amount
          }
        }
      }
    }
  }
`;

/** A small seeded PRNG, so a failing catalog can be made again from the seed in the test name. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  return { next, pick, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

const WORDS = [
  'red',
  'blue',
  'mug',
  'mugs',
  'pan',
  'crème',
  'Cafe',
  'café',
  'garden',
  'hose',
  'rake',
  'lamp',
  'Zebra',
  'éclair',
  'ß',
  '日本',
  '😀',
  '𠀀',
  '가',
];
const SEED = Number(process.env.LISTING_SEED ?? 20261203);

describe(`the read model and the database path agree on a random catalog (seed ${SEED})`, () => {
  let svc: StartedProductService;
  const r = rng(SEED);
  const cats: CategoryDoc[] = [];

  beforeAll(async () => {
    svc = await startProduct(); // no event step: list() reads the database
    const m = svc.models;
    for (const [slug, parent] of [
      ['home', null],
      ['kitchen', 'home'],
      ['mugs', 'kitchen'],
      ['garden', null],
      ['tools', 'garden'],
    ] as const) {
      const _id = new Types.ObjectId();
      const p = cats.find((c) => c.slug === parent);
      cats.push({ _id, slug, name: slug, parentId: p?._id ?? null, path: [...(p?.path ?? []), _id], createdAt: new Date() });
    }
    await m.Category.insertMany(cats);
    const base = Date.UTC(2026, 0, 1);
    const products: ProductDoc[] = [];
    for (let i = 0; i < 80; i++) {
      const words = Array.from({ length: r.int(1, 3) }, () => r.pick(WORDS)).join(' ') + (r.next() < 0.5 ? ` ${i}` : '');
      const name = normalize(words) ? words : `${words} x`; // a name has letters or digits
      const inCats = r.next() < 0.2 ? [] : [r.pick(cats)];
      const at = new Date(base + r.int(0, 40) * 60_000); // many ties
      products.push({
        _id: new Types.ObjectId(),
        sku: `R-${i}`,
        slug: `r-${i}`,
        name,
        nameKey: normalize(name),
        description: '',
        price: r.pick([0, 100, 250, 999, 1000, 1000, 5000, 123_456]),
        categoryIds: inCats.map((c) => c._id),
        categoryPath: inCats.flatMap((c) => c.path),
        images: [],
        status: r.next() < 0.15 ? 'ARCHIVED' : 'ACTIVE',
        searchText: searchText([name, `R-${i}`, ...inCats.map((c) => c.name)]),
        createdAt: at,
        updatedAt: at,
        version: r.int(1, 3),
      });
    }
    await m.Product.insertMany(products);
    const heads = products.filter(() => r.next() < 0.8).map((p) => ({ _id: p._id, version: r.int(1, 4), balance: r.pick([0, 0, 1, 7]) }));
    await m.StockHead.insertMany(heads);
  });
  afterAll(() => svc?.close());

  const FILTERS: (ProductFilterInput | null)[] = [
    null,
    { search: 'mug' },
    { search: 'cafe red' },
    { search: 'ecl' },
    { search: '日本' },
    { search: '!!' },
    { category: 'home' },
    { category: 'mugs' },
    { category: 'nowhere' },
    { minPrice: 250, maxPrice: 1000 },
    { maxPrice: 0 },
    { inStock: true },
    { inStock: false },
    { inStock: true, category: 'garden', minPrice: 100 },
    { search: 'r', inStock: false, maxPrice: 5000 },
  ];
  const SORTS: ProductSort[] = ['NEWEST', 'PRICE_ASC', 'PRICE_DESC', 'NAME_ASC'];

  const shape = (p: ProductPage) => ({
    ids: p.edges.map((e) => e.node._id.toHexString()),
    cursors: p.edges.map((e) => e.cursor),
    hasNextPage: p.pageInfo.hasNextPage,
    endCursor: p.pageInfo.endCursor,
    totalCount: p.totalCount,
  });

  it('gives the same pages, cursors and counts for every filter, sort and page size', async () => {
    const model = await buildListingModel(svc.models);
    let compared = 0;
    for (const filter of FILTERS) {
      for (const sort of SORTS) {
        const args: ListArgs = { filter, sort, first: r.pick([1, 4, 9, 40]), includeArchived: r.next() < 0.3 };
        for (let page = 0; page < 3; page++) {
          const fromDb = shape(await svc.catalog.listFromDatabase(args));
          const fromModel = shape(await svc.catalog.listFromModel(args, model));
          expect(fromModel, `${JSON.stringify(args)} page ${page}`).toEqual(fromDb);
          compared++;
          if (!fromDb.hasNextPage) break;
          args.after = fromDb.endCursor;
        }
      }
    }
    expect(compared).toBeGreaterThan(FILTERS.length * SORTS.length);
    // The catalog really is mixed: some pages had several entries.
    expect((await svc.catalog.listFromDatabase({ first: 100, includeArchived: true })).totalCount).toBe(80);
  });

  it('reads the database while the read model cannot serve (no event step here)', async () => {
    const before = svc.listing.stats.fromDatabase;
    await svc.catalog.list({ first: 5, includeArchived: false });
    expect(svc.listing.ready).toBe(false);
    expect(svc.listing.stats.fromDatabase).toBe(before + 1);
  });
});

describe('freshness on the replica that wrote and on another replica', () => {
  let nats: NatsInstance;
  let a: StartedProductService;
  let b: StartedProductService;
  /** A replica alone on its database with its outbox relay stopped: no event can tell its model anything. */
  let w: StartedProductService;
  const detach: (() => Promise<void>)[] = [];
  const db = testDbName('product');

  beforeAll(async () => {
    nats = await startBroker('test');
    a = await startProduct({ MONGODB_DB: db });
    b = await startProduct({ MONGODB_DB: db });
    w = await startProduct();
    for (const svc of [a, b]) detach.push((await attachBroker(svc, nats.url)).stop);
    const attached = await attachBroker(w, nats.url);
    detach.push(attached.stop);
    await attached.events.relay.stop();
  });
  afterAll(async () => {
    for (const d of detach) await d();
    for (const svc of [a, b, w]) await svc?.close();
    await nats?.stop();
  });

  const list = async (svc: StartedProductService, vars: Record<string, unknown>) => {
    const res = await client(svc.url)(LIST, vars, GUEST);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.products as { totalCount: number; edges: { node: { id: string; price: { amount: number } } }[] };
  };
  const ids = (p: Awaited<ReturnType<typeof list>>) => p.edges.map((e) => e.node.id);
  const update = (svc: StartedProductService, id: string, input: string) =>
    client(svc.url)(`mutation ($id: ID!) { updateProduct(id: $id, input: ${input}) { userErrors { code } } }`, { id });

  it('shows a price change in the next listing after the mutation returns, from the model, with no event', async () => {
    const a = w; // the writer; nothing publishes its changes
    const cheap = await createProduct(a.url, { sku: 'FRESH-1', name: 'Fresh One', price: 1000, initialStock: 2 });
    const dear = await createProduct(a.url, { sku: 'FRESH-2', name: 'Fresh Two', price: 2000, initialStock: 2 });
    expect(ids(await list(a, { first: 1, sort: 'PRICE_DESC' }))).toEqual([dear]);
    const served = a.listing.stats.fromModel;
    expect((await update(a, cheap, '{ price: 3000 }')).data!.updateProduct.userErrors).toEqual([]);
    const page = await list(a, { first: 1, sort: 'PRICE_DESC' });
    expect(page.edges).toEqual([{ node: { id: cheap, price: { amount: 3000 } } }]);
    expect(a.listing.stats.fromModel).toBe(served + 1);

    // Stock and status likewise: the in-stock filter and the count follow at once.
    await client(a.url)(`mutation ($id: ID!) { adjustStock(productId: $id, delta: -2, reason: "sold out") { userErrors { code } } }`, {
      id: cheap,
    });
    expect(ids(await list(a, { first: 10, filter: { inStock: true }, sort: 'PRICE_DESC' }))).toEqual([dear]);
    await client(a.url)(`mutation ($id: ID!) { archiveProduct(id: $id) { userErrors { code } } }`, { id: dear });
    expect(await list(a, { first: 10, filter: { inStock: true } })).toEqual({ totalCount: 0, edges: [] });
    expect(a.listing.stats.fromDatabase).toBe(0);
    expect(a.listing.stats.eventsApplied).toBe(0);
  });

  it('brings a second replica up to the first one’s writes through the events', async () => {
    const id = await createProduct(a.url, { sku: 'REMOTE-1', name: 'Remote One', price: 500, initialStock: 0 });
    await waitFor('replica b to list the new product', async () => ids(await list(b, { first: 50 })).includes(id));
    expect(ids(await list(b, { first: 10, filter: { inStock: true, search: 'remote' } }))).toEqual([]);

    await update(a, id, '{ price: 9000 }');
    await client(a.url)(`mutation ($id: ID!) { adjustStock(productId: $id, delta: 3, reason: "restock") { userErrors { code } } }`, { id });
    await waitFor('replica b to see the price and the stock', async () => {
      const page = await list(b, { first: 1, sort: 'PRICE_DESC', filter: { inStock: true } });
      return page.edges[0]?.node.price.amount === 9000 && page.edges[0].node.id === id;
    });
    // And a change written on b reaches a.
    await update(b, id, '{ price: 10 }');
    expect((await list(b, { first: 1, sort: 'PRICE_ASC' })).edges[0]?.node).toEqual({ id, price: { amount: 10 } });
    await waitFor('replica a to see b’s price', async () => (await list(a, { first: 1, sort: 'PRICE_ASC' })).edges[0]?.node.id === id);
    expect(b.listing.stats.eventsApplied).toBeGreaterThan(0);
    expect(b.listing.stats.fromDatabase).toBe(0);
  });
});
