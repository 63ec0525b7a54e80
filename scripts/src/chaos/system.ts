/**
 * The whole system as `npm start` runs it (services.ts), on its own free ports and in a temporary state
 * directory, each process a supervised unit: the database and nats-server keep their port and their
 * data across restarts, like a service manager restarting them in place.
 */
import { join } from 'node:path';
import { ensureChromium, freePortBlock, startFerretDb, startMongod, startNats, waitFor, which, type ManagedProcess } from '@shop/harness';
import { identityOf, mailDirIn, serviceReady, serviceSpecs, spawnService, type ServiceSpec } from '../services.js';
import type { Unit } from './supervisor.js';

export interface SystemLayout {
  stateDir: string;
  logs: string;
  mailDir: string;
  basePort: number;
  dbPort: number;
  natsPort: number;
  mailPort: number;
  dbUrl: string;
  natsUrl: string;
  gatewayUrl: string;
  paymentSandboxUrl: string;
  smsSandboxUrl: string;
  /** The identity sandbox (+22): chaos's admin token comes from its development mint route. */
  identityUrl: string;
}

/** Ports: gateway + offsets (+0…+22, as `npm start`), then the database, NATS and SMTP right after. */
export async function layout(stateDir: string): Promise<SystemLayout> {
  const basePort = await freePortBlock(26);
  const dbPort = basePort + 23;
  const natsPort = basePort + 24;
  const mailPort = basePort + 25;
  return {
    stateDir,
    logs: join(stateDir, 'logs'),
    mailDir: mailDirIn(stateDir),
    basePort,
    dbPort,
    natsPort,
    mailPort,
    dbUrl: `mongodb://127.0.0.1:${dbPort}/?directConnection=true&serverSelectionTimeoutMS=5000`,
    natsUrl: `nats://127.0.0.1:${natsPort}`,
    gatewayUrl: `http://127.0.0.1:${basePort}/graphql`,
    paymentSandboxUrl: `http://127.0.0.1:${basePort + 20}`,
    smsSandboxUrl: `http://127.0.0.1:${basePort + 21}`,
    identityUrl: identityOf(basePort).url,
  };
}

const STARTUP_MS = 60_000;

/** A service as a supervised unit: spawned, then ready once `/readyz` answers (or its port accepts). */
export function serviceUnit(spec: ServiceSpec, logs: string, startupMs = STARTUP_MS): Unit {
  return {
    name: spec.name,
    start: async () => {
      const proc = spawnService(spec, logs);
      try {
        await waitFor(`${spec.name} on port ${spec.port}`, () => serviceReady(spec), {
          timeoutMs: startupMs,
          intervalMs: 200,
          failFast: () => proc.deathNotice(),
        });
      } catch (err) {
        await proc.kill('SIGKILL');
        throw err;
      }
      return proc;
    },
  };
}

/** FerretDB (or mongod when installed) on the layout's port, keeping its data across restarts. */
export function databaseUnit(l: Pick<SystemLayout, 'logs' | 'dbPort' | 'stateDir'>): Unit {
  const opts = { logFile: join(l.logs, 'database.log'), port: l.dbPort };
  const mongod = which('mongod') !== undefined;
  return {
    name: 'database',
    start: async () => {
      const db = mongod
        ? await startMongod({ ...opts, dataDir: join(l.stateDir, 'mongod') })
        : await startFerretDb({ ...opts, dataDir: join(l.stateDir, 'ferretdb') });
      return db.process as ManagedProcess;
    },
  };
}

function natsUnit(l: SystemLayout): Unit {
  return {
    name: 'nats-server',
    start: async () => {
      const nats = await startNats({ storeDir: join(l.stateDir, 'nats'), logFile: join(l.logs, 'nats.log'), port: l.natsPort });
      return nats.process as ManagedProcess;
    },
  };
}

/** Every unit in start order; the services with `npm start`'s settings (NODE_ENV=development). */
export async function systemUnits(l: SystemLayout): Promise<Unit[]> {
  await ensureChromium();
  const common = { MONGODB_URL: l.dbUrl, NATS_URL: l.natsUrl, NODE_ENV: 'development', LOG_LEVEL: 'info' };
  const specs = serviceSpecs({ basePort: l.basePort, mailPort: l.mailPort }, common, l.stateDir);
  return [databaseUnit(l), natsUnit(l), ...specs.map((s) => serviceUnit(s, l.logs))];
}
