/**
 * Regression guard (issue 11 §3): the hot lookups stay pushed down to PostgreSQL by FerretDB and
 * answered through an index (the GIN twins, docs/platform.md §1), whatever the collections hold. Each
 * collection below carries the index and the filter shape of the model and query it stands for; if
 * FerretDB, the twins or the cluster settings change so that one of them scans, this fails. Not a
 * timing test: it reads plans. Runs its own FerretDB on PostgreSQL, whatever SHOP_DB_BACKEND says.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose, { Types, type Connection } from 'mongoose';
import { explainFind, startFerretDb, testTmpDir, type DatabaseInstance } from '@shop/harness';

/** Enough rows that a scan is never the cheaper plan (PostgreSQL prefers one on a page or two). */
const ROWS = 1_000;
const YEAR = 2026;

interface Case {
  /** Where the query lives. */
  what: string;
  collection: string;
  indexes: { key: Record<string, 1 | -1>; unique?: boolean }[];
  doc: (i: number) => Record<string, unknown>;
  filter: (docs: Record<string, unknown>[]) => Record<string, unknown>;
}

const CASES: Case[] = [
  {
    what: 'product by slug (product model, loaders / admin slug check)',
    collection: 'products',
    indexes: [{ key: { slug: 1 }, unique: true }, { key: { status: 1, createdAt: -1, _id: -1 } }],
    doc: (i) => ({ _id: new Types.ObjectId(), slug: `product-${i}`, status: 'ACTIVE', createdAt: new Date(1_700_000_000_000 + i) }),
    filter: () => ({ slug: 'product-417' }),
  },
  {
    what: 'product by _id (findByIds with one id, __resolveReference)',
    collection: 'products',
    indexes: [],
    doc: () => ({}),
    filter: (docs) => ({ _id: docs[123]!._id }),
  },
  {
    what: 'order by (cartId, idempotencyKey) (order store, checkout replay)',
    collection: 'orders',
    indexes: [
      { key: { year: 1, seq: 1 }, unique: true },
      { key: { cartId: 1, idempotencyKey: 1 }, unique: true },
    ],
    doc: (i) => ({ _id: randomUUID(), cartId: randomUUID(), idempotencyKey: `key-${i}`, year: YEAR, seq: i + 1 }),
    filter: (docs) => ({ cartId: docs[321]!.cartId, idempotencyKey: 'key-321' }),
  },
  {
    what: 'order by {year, seq} (order and invoice numbering)',
    collection: 'orders',
    indexes: [],
    doc: () => ({}),
    filter: () => ({ year: YEAR, seq: 654 }),
  },
  {
    what: 'stock movement by dedupeKey (product ledger, cart changes: the dedupe key of an outbox record)',
    collection: 'movements',
    indexes: [{ key: { dedupeKey: 1 }, unique: true }, { key: { productId: 1, version: -1 } }],
    doc: (i) => ({
      _id: `${i % 50}:${Math.floor(i / 50)}`,
      dedupeKey: `reserve:${randomUUID()}:${i}`,
      productId: String(i % 50),
      version: i,
    }),
    filter: (docs) => ({ dedupeKey: docs[777]!.dedupeKey }),
  },
  {
    what: 'transition by sourceEventId (order consumer idempotency)',
    collection: 'transitions',
    indexes: [{ key: { sourceEventId: 1 }, unique: true }],
    doc: (i) => ({ _id: `o${i}:1`, sourceEventId: randomUUID(), orderId: `o${i}` }),
    filter: (docs) => ({ sourceEventId: docs[888]!.sourceEventId }),
  },
  {
    what: 'open documents due by a date (the sweepers: kit SweepMarks, cart expiry, reservations, payment deadlines)',
    collection: 'sweepables',
    indexes: [{ key: { unswept: 1, createdAt: 1 } }],
    doc: (i) => ({
      _id: randomUUID(),
      createdAt: new Date(1_700_000_000_000 + i * 1_000),
      sweptAt: i === 500 ? null : new Date(),
      unswept: i === 500,
    }),
    filter: () => ({ unswept: true, createdAt: { $lte: new Date(1_700_000_000_000 + 600_000) } }),
  },
  {
    what: "a cart sweep's next page (keyset $or beside the flag)",
    collection: 'sweepables',
    indexes: [],
    doc: () => ({}),
    filter: (docs) => ({
      unswept: true,
      createdAt: { $lte: new Date(1_700_000_000_000 + 600_000) },
      $or: [{ createdAt: { $gt: docs[499]!.createdAt } }, { createdAt: docs[499]!.createdAt, _id: { $gt: docs[499]!._id } }],
    }),
  },
];

let dir: string;
let db: DatabaseInstance;
let conn: Connection;
const seeded = new Map<string, Record<string, unknown>[]>();

beforeAll(async () => {
  dir = testTmpDir('shop-pushdown-');
  db = await startFerretDb({ dataDir: join(dir, 'db'), logFile: join(dir, 'ferretdb.log'), backend: 'postgresql' });
  conn = await mongoose.createConnection(db.url, { dbName: 'pushdown', autoIndex: false, autoCreate: false }).asPromise();
  for (const c of CASES) {
    const coll = conn.db!.collection<Record<string, unknown>>(c.collection);
    for (const index of c.indexes) await coll.createIndex(index.key, { unique: index.unique ?? false });
    if (c.indexes.length === 0) continue; // a second query on a collection seeded above
    const docs = Array.from({ length: ROWS }, (_, i) => c.doc(i));
    await coll.insertMany(docs);
    seeded.set(c.collection, docs);
  }
}, 120_000);

afterAll(async () => {
  await conn?.close();
  await db?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('hot lookups on FerretDB-PostgreSQL', () => {
  for (const c of CASES) {
    it(`pushes down and reads an index: ${c.what}`, async () => {
      const docs = seeded.get(c.collection)!;
      const filter = c.filter(docs);
      // The filter finds exactly its one document: the plan below answers the real question.
      expect(await conn.db!.collection(c.collection).countDocuments(filter)).toBe(1);
      const plan = await explainFind(conn.db!, c.collection, filter);
      expect(plan).toMatchObject({ pushdown: true, indexServed: true });
      expect(plan.indexes.some((name) => name.startsWith('gin_'))).toBe(true);
      expect(plan.nodes).not.toContain('Seq Scan');
    });
  }

  it('reports what is not pushed down: $in runs in Go after a scan', async () => {
    const docs = seeded.get('products')!;
    const plan = await explainFind(conn.db!, 'products', { _id: { $in: [docs[1]!._id, docs[2]!._id] } });
    expect(plan).toMatchObject({ pushdown: false, indexServed: false });
    expect(plan.nodes).toContain('Seq Scan');
  });
});
