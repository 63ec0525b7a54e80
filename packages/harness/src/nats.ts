import { mkdirSync } from 'node:fs';
import { ensureDebianPackages, which } from './apt.js';
import { ManagedProcess } from './process.js';
import { freePort, waitFor } from './wait.js';

export interface NatsInstance {
  url: string;
  kind: 'nats-server' | 'external';
  process?: ManagedProcess;
  stop: () => Promise<void>;
}

export async function ensureNatsServer(): Promise<string> {
  const found = which('nats-server') ?? (which('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : undefined);
  if (found) return found;
  await ensureDebianPackages(['nats-server'], 'NATS JetStream');
  return which('nats-server') ?? '/usr/sbin/nats-server';
}

/** Starts nats-server with JetStream on free ports and its own store directory. */
export async function startNats(opts: { storeDir: string; logFile: string; port?: number }): Promise<NatsInstance> {
  const bin = await ensureNatsServer();
  const port = opts.port ?? (await freePort());
  const monitor = await freePort();
  mkdirSync(opts.storeDir, { recursive: true });
  const proc = new ManagedProcess(
    'nats-server',
    bin,
    ['-a', '127.0.0.1', '-p', String(port), '-m', String(monitor), '-js', '-sd', opts.storeDir],
    opts.logFile,
  );
  await waitFor(
    `NATS JetStream on port ${port}`,
    async () => (await fetch(`http://127.0.0.1:${monitor}/healthz?js-enabled-only=true`)).ok,
    { failFast: () => proc.deathNotice() },
  );
  return { url: `nats://127.0.0.1:${port}`, kind: 'nats-server', process: proc, stop: () => proc.stop() };
}
