import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from './paths.js';
import { ensureGoTool, type GoTool } from './go-build.js';
import { ManagedProcess } from './process.js';
import { freePort, waitFor } from './wait.js';
import { pingMongo } from './mongo-ping.js';
import { startPostgres, type PostgresInstance } from './postgres.js';

const WRAPPER = join(ROOT, 'tools', 'ferretdb');

/** The FerretDB version the wrapper module pins, read from its go.mod. */
export function ferretDbVersion(): string {
  const gomod = readFileSync(join(WRAPPER, 'go.mod'), 'utf8');
  const m = /github\.com\/FerretDB\/FerretDB (v[\d.]+)/.exec(gomod);
  if (!m?.[1]) throw new Error(`cannot find the FerretDB version in ${WRAPPER}/go.mod`);
  return m[1];
}

/** FerretDB's storage under the harness: `SHOP_DB_BACKEND`, default postgresql (docs/platform.md §1). */
export type DbBackend = 'postgresql' | 'sqlite';
const BACKENDS: readonly DbBackend[] = ['postgresql', 'sqlite'];

/** Reads and checks `SHOP_DB_BACKEND` (unset or empty: postgresql, measured faster: bench/db.ts). */
export function dbBackend(env: NodeJS.ProcessEnv = process.env): DbBackend {
  const value = env.SHOP_DB_BACKEND?.trim() || 'postgresql';
  if (!(BACKENDS as readonly string[]).includes(value)) {
    throw new Error(`SHOP_DB_BACKEND must be one of ${BACKENDS.join(', ')}, not "${value}"`);
  }
  return value as DbBackend;
}

/**
 * The wrapper module's build: both backends compiled in (no `ferretdb_no_postgresql` tag). The cache key
 * covers the version, the build flags and the wrapper's own files, so the binary is rebuilt only when
 * those change.
 */
const ferretDbTool = (): GoTool => ({
  label: `FerretDB ${ferretDbVersion()}`,
  name: `ferretdb-${ferretDbVersion()}`,
  dir: WRAPPER,
  files: ['go.mod', 'go.sum', 'main.go'],
  args: ['build', '-trimpath'],
  target: '.',
  expected: '~1–2 min',
  missingGo:
    'No database available: MONGODB_URL is not set, there is no mongod on PATH, and Go (>= 1.24) is missing to build FerretDB. ' +
    'Install Go, or install MongoDB, or set MONGODB_URL.',
});

/**
 * Returns a FerretDB binary, building it from the Go module proxy through the committed wrapper
 * module the first time (about a minute on two cores; later starts reuse the cached binary).
 */
export function ensureFerretDbBinary(): Promise<string> {
  return ensureGoTool(ferretDbTool());
}

export interface DatabaseInstance {
  url: string;
  kind: 'ferretdb' | 'mongod' | 'external';
  /** FerretDB's storage, when kind is ferretdb. */
  backend?: DbBackend;
  /** The FerretDB (or mongod) process: freezing or killing it leaves PostgreSQL and the data alone. */
  process?: ManagedProcess;
  /** The PostgreSQL cluster under FerretDB (backend postgresql). */
  postgres?: PostgresInstance;
  /** Stops the process and, under FerretDB, its PostgreSQL cluster (the data stays in `dataDir`). */
  stop: () => Promise<void>;
}

export interface FerretDbOptions {
  dataDir: string;
  logFile: string;
  port?: number;
  /** Default: {@link dbBackend} of the environment. */
  backend?: DbBackend;
  /** PostgreSQL with fsync (`npm start`); tests and benchmarks run without. Default false. */
  durable?: boolean;
  /** PostgreSQL only: the GIN twins of FerretDB's indexes (gin-twins.ts). Default true; off only to measure. */
  ginTwins?: boolean;
}

/**
 * Starts FerretDB on a free port, telemetry off, over `dataDir`: PostgreSQL (a cluster of our own in
 * `dataDir/postgresql`, reused if this process already runs it, e.g. after FerretDB was killed) or
 * SQLite (one file per database in `dataDir`). Not SQLite's in-memory mode: under concurrent writers
 * it stalls (seen here: 10 concurrent reservations never finished), while files on tmpfs are fast.
 */
export async function startFerretDb(opts: FerretDbOptions): Promise<DatabaseInstance> {
  const backend = opts.backend ?? dbBackend();
  const bin = await ensureFerretDbBinary();
  const port = opts.port ?? (await freePort());
  mkdirSync(opts.dataDir, { recursive: true });
  const postgres =
    backend === 'postgresql'
      ? await startPostgres({
          clusterDir: join(opts.dataDir, 'postgresql'),
          logFile: join(dirname(opts.logFile), 'postgresql.log'),
          durable: opts.durable ?? false,
          ginTwins: opts.ginTwins,
        })
      : undefined;
  const storage = postgres ? `--postgresql-url=${postgres.url}` : `--sqlite-url=file:${opts.dataDir}/`;
  const proc = new ManagedProcess(
    'FerretDB',
    bin,
    [`--listen-addr=127.0.0.1:${port}`, storage, '--telemetry=disable', '--log-level=error'],
    opts.logFile,
  );
  const url = `mongodb://127.0.0.1:${port}/?directConnection=true&serverSelectionTimeoutMS=5000`;
  const stop = async () => {
    await proc.stop();
    await postgres?.stop();
  };
  try {
    await waitFor(`FerretDB on port ${port}`, () => pingMongo(url), { failFast: () => proc.deathNotice() });
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, kind: 'ferretdb', backend, process: proc, postgres, stop };
}

/** Starts a real mongod when one is on PATH (preferred over FerretDB when present). */
export async function startMongod(opts: { dataDir: string; logFile: string; port?: number }): Promise<DatabaseInstance> {
  const port = opts.port ?? (await freePort());
  mkdirSync(opts.dataDir, { recursive: true });
  const proc = new ManagedProcess(
    'mongod',
    'mongod',
    ['--dbpath', opts.dataDir, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'],
    opts.logFile,
  );
  const url = `mongodb://127.0.0.1:${port}/?directConnection=true&serverSelectionTimeoutMS=5000`;
  await waitFor(`mongod on port ${port}`, () => pingMongo(url), { failFast: () => proc.deathNotice() });
  return { url, kind: 'mongod', process: proc, stop: () => proc.stop() };
}
