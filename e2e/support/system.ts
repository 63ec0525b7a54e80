import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { ensureChromium, freePortBlock, testDbName, testTmpDir, waitFor, type ManagedProcess } from '@shop/harness';
import { mintDevToken } from '@shop/identity-sandbox';
import { mailDirIn, serviceReady, serviceSpecs, spawnService, type ServiceSpec } from '../../scripts/src/services.js';

/**
 * Every process `npm start` runs (scripts/src/services.ts: payment and identity sandboxes, the five subgraphs, the
 * invoice renderer, the SMTP mail catcher, the SMS sandbox, messaging, the gateway), each its own Node
 * process with `npm start`'s settings (`NODE_ENV=development`, every other setting at its default), on a
 * free block of ports. Unlike `npm start`, each service runs from its sources (tsx, so no build is
 * needed), gets a database of its own on `mongoUrl` (the suite's shared database server) and uses the
 * given `natsUrl` (a nats-server of the test's own: the services create the production durable consumers).
 * A test SIGKILLs a process with `kill` and starts it again on the same port with `restart`.
 */
export interface System {
  gatewayUrl: string;
  /** `http://127.0.0.1:<port>` of each process by service name: its health port (/healthz, /readyz, /metrics). */
  bases: Record<string, string>;
  /** Where the mail catcher writes one `.eml` file per message it accepts. */
  mailDir: string;
  /** The database each service uses on `mongoUrl` (`MONGODB_DB`), by service name. */
  databases: Record<string, string>;
  /** SIGKILL, and resolves once the process is gone. */
  kill: (name: string) => Promise<void>;
  /** Starts a killed process again on its port with its environment; resolves once it is ready. */
  restart: (name: string) => Promise<void>;
  /**
   * Stops every process (SIGTERM, as a deploy does) and starts them all again on their ports with `env`
   * over their environment, keeping the databases, NATS and the sandboxes' files: the same system in
   * another configuration (the tracing bench runs each system in each mode in turn).
   */
  restartAll: (env: Record<string, string>) => Promise<void>;
  /** Why a process the test did not kill has exited, if one has (for `waitFor`'s `failFast`). */
  unexpectedExit: () => string | undefined;
  /** The process id of a running process, by service name (the bench reads its CPU time in /proc). */
  pid: (name: string) => number | undefined;
  /** Each process's log file is `<logs>/<name>.log`. */
  logs: string;
  /** Stops every process; deletes the logs and mails unless `keep`. */
  stop: (keep?: boolean) => Promise<void>;
  /** An Authorization header as `npm run token` makes it: minted by this system's identity sandbox, verified by the gateway through its JWKS. */
  bearer: (sub: string, role: 'customer' | 'admin') => Promise<Record<string, string>>;
}

const STARTUP_MS = 90_000;

/** `node <pkg>/dist/index.js` → `node --import tsx <pkg>/src/index.ts` (spawnService adds the source condition). */
function fromSources(spec: ServiceSpec): ServiceSpec {
  if (spec.args[0] === '--import') return spec;
  const built = /^(.*)\/dist\/index\.js$/.exec(spec.args[0] ?? '');
  if (!built || spec.args.length !== 1) throw new Error(`${spec.name}: unexpected arguments ${spec.args.join(' ')}`);
  return { ...spec, args: ['--import', 'tsx', `${built[1]}/src/index.ts`] };
}

export interface SystemOptions {
  mongoUrl: string;
  natsUrl: string;
  /** Added to every process's environment (after npm start's). */
  env?: Record<string, string>;
  /** Start only these of npm start's processes (the gateway and the identity sandbox its tokens come from always); default all. */
  only?: string[];
  /** Run the built output, as `npm start` does (the caller built it: `npm run bench` does), not the sources. */
  built?: boolean;
  /** How long each process may take to be ready (default 90 s). */
  startupMs?: number;
  /** The Node binary every process runs under (default: this one's, process.execPath). */
  node?: string;
  /** Options for that Node before each process's own arguments (`--cpu-prof`, which Node 20 refuses in NODE_OPTIONS). */
  nodeArgs?: string[];
}

/** What `only` keeps whatever it names: the gateway, and the identity sandbox whose JWKS it verifies tokens with. */
const ALWAYS = new Set(['gateway', 'identity-sandbox']);

export async function startSystem(opts: SystemOptions): Promise<System> {
  if (!opts.only || opts.only.includes('invoice-renderer')) await ensureChromium();
  const stateDir = testTmpDir('shop-system-');
  const logs = join(stateDir, 'logs');
  // The specs put the mail catcher's files and the sandboxes' books under the state directory.
  const mailDir = mailDirIn(stateDir);
  // As chaos/system.ts: gateway + npm start's offsets (+0…+21), the mail catcher after them.
  const basePort = await freePortBlock(25);
  const common = { MONGODB_URL: opts.mongoUrl, NATS_URL: opts.natsUrl, NODE_ENV: 'development', LOG_LEVEL: 'info', ...opts.env };
  const databases: Record<string, string> = {};
  const all = serviceSpecs({ basePort, mailPort: basePort + 24 }, common, stateDir);
  const unknown = opts.only?.filter((name) => !all.some((spec) => spec.name === name));
  if (unknown?.length) throw new Error(`startSystem: no process named ${unknown.join(', ')}`);
  const specs = new Map(
    all
      .filter((spec) => !opts.only || ALWAYS.has(spec.name) || opts.only.includes(spec.name))
      .map((spec) => {
        const db = (databases[spec.name] = testDbName(`sys_${spec.name.replace(/-/g, '_')}`));
        const withDb = { ...spec, env: { ...spec.env, MONGODB_DB: db } };
        return [spec.name, opts.built ? withDb : fromSources(withDb)];
      }),
  );
  const procs = new Map<string, ManagedProcess>();
  const killed = new Set<string>();

  const start = async (spec: ServiceSpec) => {
    const proc = spawnService(spec, logs, opts.node, opts.nodeArgs);
    procs.set(spec.name, proc);
    await waitFor(`${spec.name} on port ${spec.port}`, () => serviceReady(spec).catch(() => false), {
      timeoutMs: opts.startupMs ?? STARTUP_MS,
      intervalMs: 200,
      failFast: () => proc.deathNotice(),
    });
  };
  // All at once (each service retries what it calls; stream creation is idempotent and race-safe),
  // then the gateway, whose readiness is that the subgraphs answer.
  const startAll = async () => {
    const [gateway, ...rest] = [specs.get('gateway')!, ...[...specs.values()].filter((s) => s.name !== 'gateway')];
    const started = await Promise.allSettled(rest.map(start));
    const failure = started.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
    await start(gateway);
  };
  const stopAll = async () => {
    for (const proc of [...procs.values()].reverse()) await proc.stop();
  };
  const system: System = {
    gatewayUrl: `http://127.0.0.1:${basePort}/graphql`,
    bases: Object.fromEntries([...specs.values()].map((spec) => [spec.name, `http://127.0.0.1:${spec.port}`])),
    mailDir,
    databases,
    kill: async (name) => {
      const proc = procs.get(name);
      if (!proc?.alive) throw new Error(`${name} is not running`);
      killed.add(name);
      await proc.kill('SIGKILL');
    },
    restart: async (name) => {
      const spec = specs.get(name);
      if (!spec || procs.get(name)?.alive) throw new Error(`${name} is not a stopped service of this system`);
      await start(spec);
      killed.delete(name);
    },
    restartAll: async (env) => {
      await stopAll();
      killed.clear();
      for (const [name, spec] of specs) specs.set(name, { ...spec, env: { ...spec.env, ...env } });
      await startAll();
    },
    unexpectedExit: () => {
      for (const [name, proc] of procs) if (!killed.has(name) && !proc.alive) return proc.deathNotice();
      return undefined;
    },
    pid: (name) => (procs.get(name)?.alive ? procs.get(name)!.pid : undefined),
    logs,
    bearer: async (sub, role) => ({
      authorization: `Bearer ${await mintDevToken(`http://127.0.0.1:${specs.get('identity-sandbox')!.port}`, { sub, roles: [role] })}`,
    }),
    stop: async (keep = false) => {
      await stopAll();
      if (!keep) rmSync(stateDir, { recursive: true, force: true });
    },
  };
  try {
    await startAll();
  } catch (err) {
    await system.stop(true);
    throw err;
  }
  return system;
}
