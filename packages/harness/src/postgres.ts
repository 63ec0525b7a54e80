import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ensureDebianPackages } from './apt.js';
import { GIN_TWINS_SQL } from './gin-twins.js';
import { ManagedProcess, run, type RunAs } from './process.js';
import { freePort, waitFor } from './wait.js';

/** The PostgreSQL database FerretDB keeps every MongoDB database in (one schema each). */
export const FERRETDB_PG_DATABASE = 'ferretdb';

export interface PostgresInstance {
  /** `postgres://postgres@127.0.0.1:<port>/ferretdb` (trust auth, loopback only). */
  url: string;
  port: number;
  clusterDir: string;
  process: ManagedProcess;
  stop: () => Promise<void>;
}

export interface PostgresOptions {
  clusterDir: string;
  logFile: string;
  /** false (tests, benchmarks): fsync and full-page writes off — fast, and lost with the machine. */
  durable: boolean;
  /** Index twins that make pushed-down equality index-served (gin-twins.ts); off only to measure without. */
  ginTwins?: boolean;
}

/** The newest Debian PostgreSQL server's bin directory, installing `postgresql` when there is none. */
export async function ensurePostgresBinaries(): Promise<string> {
  const find = () => {
    const base = '/usr/lib/postgresql';
    const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'postgres'))) : [];
    const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
    return newest ? join(base, newest, 'bin') : undefined;
  };
  const found = find();
  if (found) return found;
  await ensureDebianPackages(['postgresql'], 'PostgreSQL (the FerretDB backend)');
  const bin = find();
  if (!bin) throw new Error('installed postgresql but found no /usr/lib/postgresql/<version>/bin/postgres');
  return bin;
}

/** Who runs the server: the `postgres` system user when we are root (PostgreSQL refuses root), else us. */
function serverUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) =>
    Number(
      execFileSync('id', [flag, 'postgres'], { stdio: ['ignore', 'pipe', 'pipe'] })
        .toString()
        .trim(),
    );
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error('running as root, and there is no `postgres` system user to run PostgreSQL as (apt-get install postgresql creates it)');
  }
}

/**
 * The server user must reach the cluster directory. Directories we made under the temporary roots
 * (mkdtemp makes them 0700) get the search bit for others; anywhere else a closed directory is an error.
 */
function makeReachable(dir: string): void {
  const tmpRoots = [resolve(tmpdir()), '/dev/shm'];
  for (let d = dirname(resolve(dir)); d !== dirname(d); d = dirname(d)) {
    const mode = statSync(d).mode;
    if (mode & 0o001) continue;
    if (!tmpRoots.some((root) => d.startsWith(`${root}/`))) {
      throw new Error(`the postgres user cannot enter ${d} (mode ${(mode & 0o777).toString(8)}): move SHOP_STATE_DIR, or chmod o+x ${d}`);
    }
    chmodSync(d, mode | 0o001);
  }
}

function serverSettings(opts: PostgresOptions, port: number): string[] {
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    // The socket lives in the cluster directory when its path fits (sun_path is 107 bytes), else TCP only.
    unix_socket_directories: opts.clusterDir.length < 80 ? opts.clusterDir : '',
    // FerretDB binds the filter's key as a parameter: only a custom plan matches the GIN twins.
    plan_cache_mode: 'force_custom_plan',
    jit: 'off',
    random_page_cost: '1.1',
    max_connections: '200',
    log_min_messages: 'warning',
    ...(opts.durable ? {} : { fsync: 'off', full_page_writes: 'off', synchronous_commit: 'off' }),
  };
  return Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
}

/** Whether the lock file names a live process that is a PostgreSQL server (not a recycled pid). */
function orphanRunning(dir: string): boolean {
  const lock = join(dir, 'postmaster.pid');
  if (!existsSync(lock)) return false;
  const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return false;
  }
}

/** Running clusters of this process by directory: a FerretDB restarted over one reuses it. */
const running = new Map<string, Promise<PostgresInstance>>();

/**
 * A PostgreSQL cluster of our own in `clusterDir` (created with initdb the first time, reused after),
 * listening on a free 127.0.0.1 port with trust authentication, with the database FerretDB uses and
 * the GIN twins installed. A server left behind by a process that died is stopped first.
 */
export async function startPostgres(opts: PostgresOptions): Promise<PostgresInstance> {
  const key = resolve(opts.clusterDir);
  const existing = await running.get(key)?.catch(() => undefined);
  if (existing?.process.alive) return existing;
  const started = launch({ ...opts, clusterDir: key }).catch((err: unknown) => {
    running.delete(key);
    throw err;
  });
  running.set(key, started);
  return started;
}

async function launch(opts: PostgresOptions): Promise<PostgresInstance> {
  const bin = await ensurePostgresBinaries();
  const user = serverUser();
  const dir = opts.clusterDir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (user) {
    makeReachable(dir);
    chownSync(dir, user.uid, user.gid);
  }
  chmodSync(dir, 0o700);
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    const args = ['-D', dir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C'];
    await run(join(bin, 'initdb'), opts.durable ? args : [...args, '--no-sync'], { user, quiet: true });
  } else if (orphanRunning(dir)) {
    // A server left by a process that died without stopping it: stop it so that we own the cluster.
    await run(join(bin, 'pg_ctl'), ['stop', '-D', dir, '-m', 'fast', '-w'], { user, quiet: true });
  }
  const port = await freePort();
  const proc = new ManagedProcess(
    'PostgreSQL',
    join(bin, 'postgres'),
    ['-D', dir, ...serverSettings(opts, port)],
    opts.logFile,
    process.env,
    undefined,
    user,
  );
  const psql = (db: string, sql: string) =>
    run(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], {
      quiet: true,
    });
  try {
    await waitFor(`PostgreSQL on port ${port}`, () => psql('postgres', 'SELECT 1'), {
      timeoutMs: 60_000,
      failFast: () => proc.deathNotice(),
    });
    const twins = opts.ginTwins === false ? 'DROP EVENT TRIGGER IF EXISTS shop_gin_twins;' : GIN_TWINS_SQL;
    // template1 first, so the database created next (and any later one) inherits the trigger.
    await psql('template1', twins);
    const exists = await psql('postgres', `SELECT 1 FROM pg_database WHERE datname = '${FERRETDB_PG_DATABASE}'`);
    if (exists.trim() === '1') await psql(FERRETDB_PG_DATABASE, twins);
    else await psql('postgres', `CREATE DATABASE ${FERRETDB_PG_DATABASE}`);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  const stop = async () => {
    running.delete(dir);
    // SIGINT is PostgreSQL's fast shutdown: it does not wait for clients (a frozen FerretDB holds some).
    if (proc.alive) proc.child.kill('SIGINT');
    await proc.stop(15_000);
  };
  return { url: `postgres://postgres@127.0.0.1:${port}/${FERRETDB_PG_DATABASE}`, port, clusterDir: dir, process: proc, stop };
}
