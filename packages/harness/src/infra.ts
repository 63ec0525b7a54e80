import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from './apt.js';
import { dbBackend, startFerretDb, startMongod, type DatabaseInstance } from './ferretdb.js';
import { startNats, type NatsInstance } from './nats.js';
import { STATE_DIR } from './paths.js';
import { canConnect, freePort } from './wait.js';

export type Mode = 'dev' | 'test';

/** Test data on tmpfs when the machine has it: fast, and gone after a reboot anyway. */
export const testTmpDir = (prefix: string) => mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), prefix));

/** Names the component in a start failure, so the user knows what to fix. */
async function component<T>(name: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    throw new Error(`${name} failed to start: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function preferredPort(port: number): Promise<number> {
  return (await canConnect(port)) ? freePort() : port;
}

/**
 * The database for `npm start` (dev) or a test run (test).
 * dev: MONGODB_URL if set, else mongod on PATH, else FerretDB with data kept in .cache/dev.
 * test: never MONGODB_URL; a throw-away mongod or FerretDB on a free port and a temporary directory.
 * FerretDB's backend is `SHOP_DB_BACKEND` (postgresql, the default, or sqlite); on PostgreSQL, dev keeps
 * the cluster durable (fsync on) and tests run it with fsync off.
 */
export async function startDatabase(mode: Mode, env: NodeJS.ProcessEnv = process.env): Promise<DatabaseInstance> {
  if (mode === 'dev' && env.MONGODB_URL) {
    return { url: env.MONGODB_URL, kind: 'external', stop: async () => {} };
  }
  const dir = mode === 'dev' ? STATE_DIR : testTmpDir('shop-db-');
  const cleanup = mode === 'test' ? () => rmSync(dir, { recursive: true, force: true }) : () => {};
  const port = mode === 'dev' ? await preferredPort(27017) : undefined;
  const logFile = join(mode === 'dev' ? join(STATE_DIR, 'logs') : dir, 'database.log');
  const db = which('mongod')
    ? await component('database (mongod)', () => startMongod({ dataDir: join(dir, 'mongod'), logFile, port }))
    : await component(`database (FerretDB on ${dbBackend(env)})`, () =>
        startFerretDb({ dataDir: join(dir, 'ferretdb'), logFile, port, backend: dbBackend(env), durable: mode === 'dev' }),
      );
  return {
    ...db,
    stop: async () => {
      await db.stop();
      cleanup();
    },
  };
}

/**
 * NATS JetStream for `npm start` (dev) or a test run (test).
 * dev: NATS_URL if set, else one already listening on 127.0.0.1:4222, else our own nats-server.
 * test: always our own on a free port with a temporary store.
 */
export async function startBroker(mode: Mode, env: NodeJS.ProcessEnv = process.env): Promise<NatsInstance> {
  if (mode === 'dev') {
    if (env.NATS_URL) return { url: env.NATS_URL, kind: 'external', stop: async () => {} };
    if (await canConnect(4222)) return { url: 'nats://127.0.0.1:4222', kind: 'external', stop: async () => {} };
  }
  const dir = mode === 'dev' ? join(STATE_DIR, 'nats') : testTmpDir('shop-nats-');
  const nats = await component('NATS JetStream (nats-server)', () =>
    startNats({
      storeDir: join(dir, 'store'),
      logFile: join(mode === 'dev' ? join(STATE_DIR, 'logs') : dir, 'nats.log'),
      port: mode === 'dev' ? 4222 : undefined,
    }),
  );
  return {
    ...nats,
    stop: async () => {
      await nats.stop();
      if (mode === 'test') rmSync(dir, { recursive: true, force: true });
    },
  };
}
