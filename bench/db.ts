import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import mongoose, { Schema, Types, type Connection, type Model } from 'mongoose';
import { startFerretDb, testTmpDir, type DbBackend } from '@shop/harness';

/**
 * The database alone: the query shapes of issue 11's table on FerretDB over SQLite, over PostgreSQL
 * as FerretDB leaves it, and over PostgreSQL with the harness's GIN twins (docs/platform.md §1). One
 * client through mongoose, one request at a time (medians), then 10 concurrent stock-ledger writers.
 */

interface Config {
  name: string;
  backend: DbBackend;
  ginTwins: boolean;
}

const CONFIGS: Config[] = [
  { name: 'SQLite', backend: 'sqlite', ginTwins: false },
  { name: 'PostgreSQL', backend: 'postgresql', ginTwins: false },
  { name: 'PostgreSQL + GIN twins', backend: 'postgresql', ginTwins: true },
];

const MOVEMENTS = 2_000;
const WRITERS = 10;

/** A product about the size of the seeded catalog's (≈ 1 KB of BSON). */
const productSchema = new Schema(
  {
    _id: Schema.Types.ObjectId,
    sku: String,
    slug: String,
    name: String,
    description: String,
    price: Number,
    currency: String,
    status: String,
    categoryPath: [String],
    images: [String],
    createdAt: Date,
  },
  { autoIndex: false, autoCreate: false, versionKey: false },
);
productSchema.index({ sku: 1 }, { unique: true });
productSchema.index({ slug: 1 }, { unique: true });
productSchema.index({ status: 1, createdAt: -1, _id: -1 });

interface MovementDoc {
  _id: string;
  productId: string;
  version: number;
  delta: number;
  dedupeKey: string;
  orderId?: string;
  at: Date;
}

/** A stock movement, keyed `<productId>:<version>` like the product ledger's. */
const movementSchema = new Schema<MovementDoc>(
  { _id: String, productId: String, version: Number, delta: Number, dedupeKey: String, orderId: String, at: Date },
  { autoIndex: false, autoCreate: false, versionKey: false },
);
movementSchema.index({ dedupeKey: 1 }, { unique: true });
movementSchema.index({ productId: 1, version: -1 });
movementSchema.index({ orderId: 1 });

const product = (i: number) => ({
  _id: new Types.ObjectId(),
  sku: `SKU-${i}`,
  slug: `product-${i}`,
  name: `Product ${i}`,
  description: `A product for the benchmark, number ${i}. `.repeat(12),
  price: 1000 + i,
  currency: 'USD',
  status: 'ACTIVE',
  categoryPath: ['home', `home/c${i % 12}`],
  images: [`https://img.example/${i}/1.jpg`, `https://img.example/${i}/2.jpg`],
  createdAt: new Date(1_700_000_000_000 + i * 1000),
});

/** Median of `fn` run one at a time for about `ms` (at least 5, at most 300 runs, after 3 unmeasured). */
async function medianMs(ms: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn(i);
  const times: number[] = [];
  const until = performance.now() + ms;
  while (times.length < 5 || (performance.now() < until && times.length < 300)) {
    const t = performance.now();
    await fn(times.length);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Appends per second by `WRITERS` writers, one product each: probe the next `_id` slot, insert it. */
async function ledgerAppends(Movement: Model<MovementDoc>, seconds: number): Promise<number> {
  let appended = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      const productId = `writer-${w}`;
      let version = 0;
      while (performance.now() < until) {
        if (await Movement.exists({ _id: `${productId}:${version + 1}` })) {
          version++;
          continue;
        }
        await Movement.create({
          _id: `${productId}:${version + 1}`,
          productId,
          version: version + 1,
          delta: -1,
          dedupeKey: randomUUID(),
          at: new Date(),
        });
        version++;
        appended++;
      }
    }),
  );
  return appended / ((performance.now() - started) / 1000);
}

type Shapes = Record<string, number>;

async function measure(cfg: Config, seconds: number, say: (m: string) => void): Promise<Shapes> {
  const dir = testTmpDir('shop-bench-db-');
  const db = await startFerretDb({
    dataDir: join(dir, 'data'),
    logFile: join(dir, 'ferretdb.log'),
    backend: cfg.backend,
    ginTwins: cfg.ginTwins,
  });
  let conn: Connection | undefined;
  try {
    conn = await mongoose.createConnection(db.url, { dbName: 'bench_db', autoIndex: false, autoCreate: false }).asPromise();
    const Product = conn.model('Product', productSchema, 'products');
    const Movement = conn.model('Movement', movementSchema, 'movements');
    await Product.createIndexes();
    await Movement.createIndexes();
    const movements = Array.from({ length: MOVEMENTS }, (_, i) => ({
      _id: `p${i % 200}:${Math.floor(i / 200) + 1}`,
      productId: `p${i % 200}`,
      version: Math.floor(i / 200) + 1,
      delta: 1,
      dedupeKey: `order:${randomUUID()}`,
      orderId: randomUUID(),
      at: new Date(),
    }));
    await Movement.insertMany(movements);
    await Product.insertMany(Array.from({ length: 216 }, (_, i) => product(i)));
    const ms = (seconds * 1000) / 5;
    say(`db: ${cfg.name}…`);
    const out: Shapes = {};
    out['slug lookup, 216 products'] = await medianMs(ms, (i) => Product.findOne({ slug: `product-${(i * 37) % 216}` }).lean());
    out['_id lookup, 2,000 movements'] = await medianMs(ms, (i) => Movement.findById(movements[(i * 131) % MOVEMENTS]!._id).lean());
    out['dedupe-key lookup, 2,000 movements'] = await medianMs(ms, (i) =>
      Movement.exists({ dedupeKey: movements[(i * 17) % MOVEMENTS]!.dedupeKey }),
    );
    await Product.insertMany(Array.from({ length: 2_000 - 216 }, (_, i) => product(216 + i)));
    out['slug lookup, 2,000 products'] = await medianMs(ms, (i) => Product.findOne({ slug: `product-${(i * 37) % 2_000}` }).lean());
    out['ledger appends/s, 10 writers'] = await ledgerAppends(Movement, seconds);
    return out;
  } finally {
    await conn?.close();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const DB_NOTE =
  'Each configuration runs alone: its own FerretDB (and PostgreSQL cluster) over a fresh temporary directory, fsync off. Lookups are medians of one request at a time through mongoose (`findOne(…).lean()`, `findById`, `exists`) after 3 unmeasured; the products are ≈ 1 KB each, the movements keyed `<productId>:<version>`. Appends: 10 writers on 10 products, each probing its next `_id` slot and inserting it. "PostgreSQL" is FerretDB as it comes (equality pushed down as `jsonb @>`, which its btree indexes cannot serve: a sequential scan); "+ GIN twins" adds the harness’s event trigger and `plan_cache_mode = force_custom_plan` (docs/platform.md §1). Ratios read "times better with the twins".';

/** One row per query shape: each configuration's median ms (appends: per second) and the ratios. */
export async function runDbBench(seconds: number, say: (m: string) => void): Promise<Record<string, string | number>[]> {
  const results: Shapes[] = [];
  for (const cfg of CONFIGS) results.push(await measure(cfg, seconds, say));
  const [sqlite, pg, twins] = results as [Shapes, Shapes, Shapes];
  return Object.keys(sqlite).map((shape) => {
    const rate = shape.includes('/s');
    const fmt = (v: number) => (rate ? v.toFixed(0) : v.toFixed(2));
    // Ratios always read "how many times better the GIN twins are".
    const better = (other: number, mine: number) => `${(rate ? mine / other : other / mine).toFixed(1)}×`;
    return {
      shape: rate ? shape : `${shape} (median ms)`,
      [CONFIGS[0]!.name]: fmt(sqlite[shape]!),
      [CONFIGS[1]!.name]: fmt(pg[shape]!),
      [CONFIGS[2]!.name]: fmt(twins[shape]!),
      'twins vs SQLite': better(sqlite[shape]!, twins[shape]!),
      'twins vs PostgreSQL': better(pg[shape]!, twins[shape]!),
    };
  });
}
