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

/**
 * One query for a batch of ids. A batch of one asks `{ _id: id }` rather than `{ _id: { $in: [id] } }`:
 * same result, but FerretDB's SQLite backend pushes only `_id` equality down to SQL
 * (docs/platform.md §1), which made a single lookup ~8× faster here.
 */
export function findByIds<T, K>(model: Model<T>, ids: readonly K[]) {
  return model.find(ids.length === 1 ? { _id: ids[0] } : { _id: { $in: ids } });
}
