import mongoose, { type Connection, type Model } from 'mongoose';

/** How long a database call may wait at each stage; every call ends within these bounds (docs/design.md §6). */
export interface MongoTimeouts {
  /** Waiting for a reachable server (default 10 s). */
  timeoutMs?: number;
  /** Waiting for a reply on an open socket (default 30 s): a frozen server fails the call instead of holding it. */
  socketTimeoutMs?: number;
  /** Waiting for a free pooled connection (default 10 s). */
  waitQueueTimeoutMs?: number;
  /** Opening a connection, TCP and handshake (default 10 s). */
  connectTimeoutMs?: number;
}

/**
 * Opens one connection to the service's own database. `autoIndex` is off: indexes are created by
 * `ensureIndexes` at start-up, and only kinds both MongoDB and FerretDB support (docs/design.md §6).
 * Every stage of a call is bounded (`MongoTimeouts`), so a database that stops answering (SIGSTOP, a
 * network partition) makes calls fail with a driver error the event consumers retry, never hang.
 */
export async function connectMongo(url: string, dbName: string, opts: MongoTimeouts = {}): Promise<Connection> {
  mongoose.set('strictQuery', true);
  // Mongoose otherwise records `new Error().stack` on every query it executes, only to decorate a
  // "Query was already executed" error; that capture (and, under tsx, its source-map lookup) was ≈ 3 %
  // of the CPU of a purchase in `npm run bench -- checkout --profile` (bench/README.md).
  mongoose.set('skipOriginalStackTraces', true);
  const conn = mongoose.createConnection(url, {
    dbName,
    autoIndex: false,
    autoCreate: true,
    serverSelectionTimeoutMS: opts.timeoutMs ?? 10_000,
    socketTimeoutMS: opts.socketTimeoutMs ?? 30_000,
    waitQueueTimeoutMS: opts.waitQueueTimeoutMs ?? 10_000,
    connectTimeoutMS: opts.connectTimeoutMs ?? 10_000,
    maxPoolSize: 20,
  });
  await conn.asPromise();
  return conn;
}

export async function ensureIndexes(models: readonly Model<never>[]): Promise<void> {
  for (const model of models) {
    await model.createCollection().catch((err: unknown) => {
      // NamespaceExists (48): the collection is already there, which is what we want.
      if ((err as { code?: number }).code !== 48) throw err;
    });
    await model.createIndexes();
  }
}

/**
 * FerretDB v1 answers an *update* that breaks a unique index with InternalError (1) and the backend's
 * message (inserts get 11000 like MongoDB).
 */
const BACKEND_UNIQUE_VIOLATION = /UNIQUE constraint failed|duplicate key value violates unique constraint/;

/** MongoDB's duplicate-key error, the one atomic guard both databases enforce (on insert and on update). */
export function isDuplicateKey(err: unknown, index?: string): boolean {
  const e = err as { code?: number; message?: string } | null;
  if (!e) return false;
  const message = e.message ?? '';
  if (e.code !== 11000 && !(e.code === 1 && BACKEND_UNIQUE_VIOLATION.test(message))) return false;
  return index === undefined || message.includes(index);
}

/** Readiness probe for a connection. */
export const isConnected = (conn: Connection): boolean => conn.readyState === mongoose.ConnectionStates.connected;

/** A key's identity for deduplication: strings as they are, ObjectIds by their hex. */
const keyOf = (k: unknown): string => (typeof k === 'string' ? k : String(k));

/**
 * Documents by `_id`, in key order, null for misses (a repeated id gets the same document). One
 * `{ _id: id }` equality probe per distinct id, all in parallel, never `{ _id: { $in } }`: FerretDB
 * pushes no `$in` down on either backend, so `$in` reads the whole collection, while an equality probe
 * is pushed down (docs/platform.md §1) and costs the same however large the collection grows
 * (docs/design.md §6, "Hot reads"). Batches here are small (a cart's lines, one `_entities` batch).
 */
export async function findByIds<T, K>(model: Model<T>, ids: readonly K[]): Promise<(T | null)[]> {
  const found = await findEach(ids, (id) => model.findOne({ _id: id }).lean<T>().exec());
  return ids.map((id) => found.get(keyOf(id)) ?? null);
}

/**
 * Every document whose top-level `field` equals each key, grouped by key in key order (`[]` for a key
 * with none): one equality probe per distinct key in parallel, for the same reason as `findByIds`.
 * `sort` orders each key's documents (sorting a handful of one key's documents costs nothing).
 */
export async function findAllBy<T, K>(model: Model<T>, field: string, keys: readonly K[], sort?: Record<string, 1 | -1>): Promise<T[][]> {
  const found = await findEach(keys, (key) => {
    const q = model.find({ [field]: key } as never);
    return (sort ? q.sort(sort) : q).lean<T[]>().exec();
  });
  return keys.map((k) => found.get(keyOf(k)) ?? []);
}

/** Runs `probe` once per distinct key, all in parallel; results by key identity. */
async function findEach<K, R>(keys: readonly K[], probe: (key: K) => Promise<R>): Promise<Map<string, R>> {
  const distinct = new Map<string, K>();
  for (const k of keys) distinct.set(keyOf(k), k);
  const entries = [...distinct];
  const results = await Promise.all(entries.map(([, k]) => probe(k)));
  return new Map(entries.map(([id], i) => [id, results[i]!]));
}
