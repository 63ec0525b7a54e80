import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Types } from 'mongoose';
import { connectNats } from '@shop/events';
import { CONTEXT_HEADER, createLogger, developmentSigner, signContext } from '@shop/kit';
import { attachProductEvents, buildListingModel, loadConfig, startProductService } from '@shop/product';
import { load } from './lib.js';

/**
 * A sorted catalog page with its count at growing catalog sizes (issue: "O(page), not O(catalog)").
 * Per size: a product subgraph of its own on a fresh database, seeded by bulk inserts, its listing read
 * model built and following NATS; then the page straight at the subgraph one request at a time and
 * under load, the same page through the database path (what every listing cost before the model,
 * and what it costs while the model cannot serve), and the model's memory.
 */

const PAGE = { query: '{ products(first: 20, sort: PRICE_ASC) { totalCount edges { cursor node { id name price { amount currency } } } } }' };
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

export async function runListingBench(
  mongoUrl: string,
  natsUrl: string,
  sizes: readonly number[],
  seconds: number,
  say: (msg: string) => void,
): Promise<{ rows: Record<string, string | number>[]; note: string }> {
  const gc = collector();
  const signer = developmentSigner('gateway');
  const log = createLogger('product', 'silent');
  const rows: Record<string, string | number>[] = [];
  const medians = new Map<number, number>();
  const pages = new Map<number, number>();
  const rates = new Map<number, number>();
  for (const n of sizes) {
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', MONGODB_URL: mongoUrl, MONGODB_DB: `bench_listing_${n}_${randomUUID().slice(0, 8)}`, NATS_URL: natsUrl });
    const svc = await startProductService(config, log);
    const nc = await connectNats(natsUrl, 'bench-listing', log);
    try {
      say(`listing: seeding ${n} products (bulk inserts)…`);
      await seed(svc.models, n);
      const built = performance.now();
      const events = await attachProductEvents(svc, nc, config, log);
      while (!svc.listing.ready) await new Promise((r) => setTimeout(r, 20));
      const buildMs = performance.now() - built;
      const post = async () => {
        const res = await fetch(svc.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: signContext(signer, { kind: 'guest' }) },
          body: JSON.stringify(PAGE),
        });
        const body = (await res.json()) as { data?: { products: { totalCount: number; edges: unknown[] } } };
        if (body.data?.products.edges.length !== 20) throw new Error(`listing bench: ${JSON.stringify(body).slice(0, 300)}`);
        return body.data.products.totalCount;
      };
      for (let i = 0; i < 5; i++) await post();
      // The subgraph's own work for a page, without HTTP, GraphQL or the load generator.
      const inProcess: number[] = [];
      for (let i = 0; i < 300; i++) {
        const t = performance.now();
        await svc.catalog.list({ first: 20, sort: 'PRICE_ASC', includeArchived: false });
        inProcess.push(performance.now() - t);
      }
      const serial: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t = performance.now();
        await post();
        serial.push(performance.now() - t);
      }
      say(`listing: ${n} products under load, ${seconds} s…`);
      const loaded = await load(`listing ${n}`, svc.url, PAGE, {
        seconds,
        connections: 10,
        headers: () => ({ [CONTEXT_HEADER]: signContext(signer, { kind: 'guest' }) }),
      });
      if (loaded.errors || loaded.non2xx) throw new Error(`listing ${n}: ${loaded.errors} errors, ${loaded.non2xx} non-2xx`);
      if (svc.listing.stats.fromDatabase !== 0) throw new Error(`listing ${n}: ${svc.listing.stats.fromDatabase} pages came from the database`);
      say(`listing: ${n} products through the database path…`);
      const dbRuns: number[] = [];
      for (let i = 0; i < (n >= 10_000 ? 2 : 3); i++) {
        const t = performance.now();
        await svc.catalog.listFromDatabase({ first: 20, sort: 'PRICE_ASC', includeArchived: false });
        dbRuns.push(performance.now() - t);
      }
      gc();
      const before = process.memoryUsage().heapUsed;
      const model = await buildListingModel(svc.models);
      gc();
      const keysMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
      const docs = await svc.models.Product.find({}).lean();
      gc();
      const docsMb = (process.memoryUsage().heapUsed - before) / 2 ** 20 - keysMb;
      if (model.size !== n || docs.length !== n) throw new Error('listing bench: the model does not hold the catalog');
      medians.set(n, median(serial));
      pages.set(n, median(inProcess));
      rates.set(n, loaded.requestsPerSec);
      rows.push({
        products: n,
        'model: one at a time, median ms': median(serial).toFixed(1),
        'model: page in process, median µs': (median(inProcess) * 1000).toFixed(0),
        'model req/s (10 conn.)': loaded.requestsPerSec,
        'model p50 ms': loaded.p50,
        'model p99 ms': loaded.p99,
        'database path median ms': median(dbRuns).toFixed(0),
        'model build ms': buildMs.toFixed(0),
        'listing keys MB': keysMb.toFixed(1),
        'all documents held MB': docsMb.toFixed(1),
      });
      await events.stop();
    } finally {
      await nc.drain();
      await svc.conn.dropDatabase().catch(() => {});
      await svc.close();
    }
  }
  const lo = Math.min(...sizes);
  const hi = Math.max(...sizes);
  const note =
    `${hi} / ${lo} products: one-at-a-time median ×${(medians.get(hi)! / medians.get(lo)!).toFixed(2)}, ` +
    `page in process ×${(pages.get(hi)! / pages.get(lo)!).toFixed(2)}, ` +
    `throughput ×${(rates.get(hi)! / rates.get(lo)!).toFixed(2)} (target: the page at ${hi} within 2× of the page at ${lo}). ` +
    'Straight at the product subgraph (signed guest), `products(first: 20, sort: PRICE_ASC)` with `totalCount`; ' +
    'the database path is the same page read and sorted by FerretDB (what every listing cost before the read model). ' +
    '"Listing keys" is the read model itself; "all documents held" is the most the page-document cache can hold (every product read once).';
  return { rows, note };
}
