import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Types } from 'mongoose';
import { connectNats } from '@shop/events';
import { CONTEXT_HEADER, createLogger, developmentSigner, signContext } from '@shop/kit';
import { attachProductEvents, buildListingModel, loadConfig, startProductService } from '@shop/product';
import { load, type LoadResult } from './lib.js';

/**
 * A sorted catalog page with its count at growing catalog sizes (issue: "O(page), not O(catalog)").
 * Per size: a product subgraph of its own on a fresh database, seeded by bulk inserts, its listing read
 * model built and following NATS; then the page straight at the subgraph one request at a time and
 * under load, the same page through the database path (what every listing cost before the model,
 * and what it costs while the model cannot serve), and the model's memory.
 */

const PAGE = {
  query: '{ products(first: 20, sort: PRICE_ASC) { totalCount edges { cursor node { id name price { amount currency } } } } }',
};
const WORDS = ['red', 'blue', 'green', 'mug', 'pan', 'lamp', 'rake', 'hose', 'chair', 'table', 'steel', 'oak', 'linen', 'glass'];

/** `gc()` for measuring the model's heap (the bench process only). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function seed(models: Awaited<ReturnType<typeof startProductService>>['models'], n: number): Promise<void> {
  const cats = Array.from({ length: 12 }, (_, i) => {
    const _id = new Types.ObjectId();
    return { _id, slug: `cat-${i}`, name: `Category ${i}`, parentId: null, path: [_id], createdAt: new Date() };
  });
  await models.Category.insertMany(cats);
  const base = Date.UTC(2026, 0, 1);
  for (let from = 0; from < n; from += 1_000) {
    const chunk = Array.from({ length: Math.min(1_000, n - from) }, (_, j) => {
      const i = from + j;
      const name = `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]} ${i}`;
      const cat = cats[i % cats.length]!;
      const at = new Date(base + i * 1_000);
      return {
        _id: new Types.ObjectId(),
        sku: `BENCH-${i}`,
        slug: `bench-${i}`,
        name,
        nameKey: name,
        description: `A ${name} for the listing bench, with a description of ordinary length to weigh like a real product.`,
        price: 100 + ((i * 7919) % 100_000),
        categoryIds: [cat._id],
        categoryPath: [cat._id],
        images: [`https://img.example/${i}.jpg`],
        status: i % 20 === 0 ? 'ARCHIVED' : 'ACTIVE',
        searchText: `${name} bench-${i} ${cat.name.toLowerCase()}`,
        createdAt: at,
        updatedAt: at,
        version: 1,
      };
    });
    await models.Product.insertMany(chunk, { ordered: false });
    await models.StockHead.insertMany(
      chunk.map((p, j) => ({ _id: p._id, version: 1, balance: (from + j) % 3 === 0 ? 0 : 10 })),
      { ordered: false },
    );
  }
}

interface Catalog {
  n: number;
  svc: Awaited<ReturnType<typeof startProductService>>;
  stop: () => Promise<void>;
  buildMs: number;
  keysMb: number;
  docsMb: number;
  inProcess: number[];
  serial: number[];
  slices: LoadResult[];
}

/** A product subgraph on a fresh database of `n` bulk-inserted products, its read model serving; memory measured. */
async function prepare(n: number, mongoUrl: string, natsUrl: string, gc: () => void, say: (msg: string) => void): Promise<Catalog> {
  const log = createLogger('product', 'silent');
  const MONGODB_DB = `bench_listing_${n}_${randomUUID().slice(0, 8)}`;
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', MONGODB_URL: mongoUrl, MONGODB_DB, NATS_URL: natsUrl });
  const svc = await startProductService(config, log);
  const nc = await connectNats(natsUrl, 'bench-listing', log);
  say(`listing: seeding ${n} products (bulk inserts)…`);
  await seed(svc.models, n);
  const built = performance.now();
  const events = await attachProductEvents(svc, nc, config, log);
  while (!svc.listing.ready) await new Promise((r) => setTimeout(r, 20));
  const buildMs = performance.now() - built;
  gc();
  const before = process.memoryUsage().heapUsed;
  const model = await buildListingModel(svc.models);
  gc();
  const keysMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  const docs = await svc.models.Product.find({}).lean();
  gc();
  const docsMb = (process.memoryUsage().heapUsed - before) / 2 ** 20 - keysMb;
  if (model.size !== n || docs.length !== n) throw new Error('listing bench: the model does not hold the catalog');
  const stop = async () => {
    await events.stop();
    await nc.drain();
    await svc.conn.dropDatabase().catch(() => {});
    await svc.close();
  };
  return { n, svc, stop, buildMs, keysMb, docsMb, inProcess: [], serial: [], slices: [] };
}

/**
 * Every size is prepared first and then measured in alternating slices (216, 2,000, 10,000, 10,000,
 * 2,000, 216, …), so the machine's changing load falls on all sizes alike; read the ratios.
 */
export async function runListingBench(
  mongoUrl: string,
  natsUrl: string,
  sizes: readonly number[],
  seconds: number,
  say: (msg: string) => void,
): Promise<{ rows: Record<string, string | number>[]; note: string }> {
  const gc = collector();
  const signer = developmentSigner('gateway');
  const headers = () => ({ 'content-type': 'application/json', [CONTEXT_HEADER]: signContext(signer, { kind: 'guest' }) });
  const catalogs: Catalog[] = [];
  try {
    for (const n of sizes) catalogs.push(await prepare(n, mongoUrl, natsUrl, gc, say));
    const post = async (c: Catalog) => {
      const res = await fetch(c.svc.url, { method: 'POST', headers: headers(), body: JSON.stringify(PAGE) });
      const body = (await res.json()) as { data?: { products: { totalCount: number; edges: unknown[] } } };
      if (body.data?.products.edges.length !== 20) throw new Error(`listing bench: ${JSON.stringify(body).slice(0, 300)}`);
    };
    for (const c of catalogs) for (let i = 0; i < 5; i++) await post(c);
    const order = [...catalogs, ...[...catalogs].reverse()];
    say(`listing: one request at a time and under load, alternating, ${seconds} s per slice…`);
    for (let round = 0; round < 2; round++) {
      for (const c of order) {
        // The subgraph's own work for a page, without HTTP, GraphQL or the load generator.
        for (let i = 0; i < 100; i++) {
          const t = performance.now();
          await c.svc.catalog.list({ first: 20, sort: 'PRICE_ASC', includeArchived: false });
          c.inProcess.push(performance.now() - t);
        }
        for (let i = 0; i < 25; i++) {
          const t = performance.now();
          await post(c);
          c.serial.push(performance.now() - t);
        }
        const r = await load(`listing ${c.n}`, c.svc.url, PAGE, { seconds, connections: 10, headers });
        if (r.errors || r.non2xx) throw new Error(`listing ${c.n}: ${r.errors} errors, ${r.non2xx} non-2xx`);
        c.slices.push(r);
      }
    }
    const rows: Record<string, string | number>[] = [];
    for (const c of catalogs) {
      if (c.svc.listing.stats.fromDatabase !== 0) throw new Error(`listing ${c.n}: pages came from the database`);
      say(`listing: ${c.n} products through the database path…`);
      const dbRuns: number[] = [];
      for (let i = 0; i < (c.n >= 10_000 ? 2 : 3); i++) {
        const t = performance.now();
        await c.svc.catalog.listFromDatabase({ first: 20, sort: 'PRICE_ASC', includeArchived: false });
        dbRuns.push(performance.now() - t);
      }
      rows.push({
        products: c.n,
        'page in process, median µs': (median(c.inProcess) * 1000).toFixed(0),
        'one at a time, median ms': median(c.serial).toFixed(1),
        'req/s (10 conn., median slice)': median(c.slices.map((r) => r.requestsPerSec)),
        'p50 ms': median(c.slices.map((r) => r.p50)),
        'p99 ms (worst slice)': Math.max(...c.slices.map((r) => r.p99)),
        'database path, median ms': median(dbRuns).toFixed(0),
        'model build ms': c.buildMs.toFixed(0),
        'listing keys MB': c.keysMb.toFixed(1),
        'all documents held MB': c.docsMb.toFixed(1),
      });
    }
    const [lo, hi] = [catalogs[0]!, catalogs.at(-1)!];
    const ratio = (f: (c: Catalog) => number) => (f(hi) / f(lo)).toFixed(2);
    const note =
      `${hi.n} / ${lo.n} products: page in process ×${ratio((c) => median(c.inProcess))}, ` +
      `one at a time ×${ratio((c) => median(c.serial))}, ` +
      `req/s ×${ratio((c) => median(c.slices.map((r) => r.requestsPerSec)))} ` +
      `(target: the page at ${hi.n} costs within 2× of the page at ${lo.n}). ` +
      'Straight at the product subgraph (signed guest), `products(first: 20, sort: PRICE_ASC)` with `totalCount`, ' +
      'served by the listing read model; sizes measured in alternating slices. The database path is the same page ' +
      'read and sorted by FerretDB (every listing before the read model; now only while the model cannot serve). ' +
      '"Listing keys" is the read model; "all documents held" is the most its page-document cache can hold.';
    return { rows, note };
  } finally {
    for (const c of catalogs) await c.stop();
  }
}
