import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, ROOT } from './paths.js';
import { which } from './apt.js';
import { ManagedProcess, run } from './process.js';
import { freePort, waitFor } from './wait.js';
import { pingMongo } from './mongo-ping.js';

const WRAPPER = join(ROOT, 'tools', 'ferretdb');

/** The FerretDB version the wrapper module pins, read from its go.mod. */
export function ferretDbVersion(): string {
  const gomod = readFileSync(join(WRAPPER, 'go.mod'), 'utf8');
  const m = /github\.com\/FerretDB\/FerretDB (v[\d.]+)/.exec(gomod);
  if (!m?.[1]) throw new Error(`cannot find the FerretDB version in ${WRAPPER}/go.mod`);
  return m[1];
}

/** Cache key: the version plus the wrapper's own files, so the binary is rebuilt only when those change. */
function binaryPath(): string {
  const h = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go']) h.update(readFileSync(join(WRAPPER, f)));
  return join(CACHE_DIR, 'bin', `ferretdb-${ferretDbVersion()}-${h.digest('hex').slice(0, 12)}`);
}

/**
 * Returns a FerretDB binary, building it from the Go module proxy through the committed wrapper
 * module the first time (about a minute on two cores; later starts reuse the cached binary).
 */
export async function ensureFerretDbBinary(): Promise<string> {
  const bin = binaryPath();
  if (existsSync(bin)) return bin;
  const go = which('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) {
    throw new Error(
      'No database available: MONGODB_URL is not set, there is no mongod on PATH, and Go (>= 1.24) is missing to build FerretDB. ' +
        'Install Go, or install MongoDB, or set MONGODB_URL.',
    );
  }
  mkdirSync(join(CACHE_DIR, 'bin'), { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  process.stderr.write(`» building FerretDB ${ferretDbVersion()} from the Go module proxy (first time only, ~1–2 min)…\n`);
  const started = Date.now();
  await run(go, ['build', '-trimpath', '-tags', 'ferretdb_no_postgresql', '-o', tmp, '.'], {
    cwd: WRAPPER,
    prefix: '  go: ',
  });
  renameSync(tmp, bin);
  process.stderr.write(`» FerretDB built in ${Math.round((Date.now() - started) / 1000)} s → ${bin}\n`);
  return bin;
}

export interface DatabaseInstance {
  url: string;
  kind: 'ferretdb' | 'mongod' | 'external';
  process?: ManagedProcess;
  stop: () => Promise<void>;
}

/**
 * Starts FerretDB (SQLite backend, one file per database in `dataDir`) on a free port, telemetry off.
 * Not SQLite's in-memory mode: under concurrent writers it stalls (seen here: 10 concurrent
 * reservations never finished), while files on tmpfs are fast and behave.
 */
export async function startFerretDb(opts: { dataDir: string; logFile: string; port?: number }): Promise<DatabaseInstance> {
  const bin = await ensureFerretDbBinary();
  const port = opts.port ?? (await freePort());
  mkdirSync(opts.dataDir, { recursive: true });
  const sqliteUrl = `file:${opts.dataDir}/`;
  const proc = new ManagedProcess(
    'FerretDB',
    bin,
    [`--listen-addr=127.0.0.1:${port}`, `--sqlite-url=${sqliteUrl}`, '--telemetry=disable', '--log-level=error'],
    opts.logFile,
  );
  const url = `mongodb://127.0.0.1:${port}/?directConnection=true&serverSelectionTimeoutMS=5000`;
  await waitFor(`FerretDB on port ${port}`, () => pingMongo(url), { failFast: () => proc.deathNotice() });
  return { url, kind: 'ferretdb', process: proc, stop: () => proc.stop() };
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
