import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { ensureDebianPackages, which } from './apt.js';
import { ManagedProcess } from './process.js';
import { freePort, waitFor } from './wait.js';

export interface RedisInstance {
  url: string;
  process: ManagedProcess;
  stop: () => Promise<void>;
}

export async function ensureRedisServer(): Promise<string> {
  const found = which('redis-server') ?? (which('/usr/bin/redis-server') ? '/usr/bin/redis-server' : undefined);
  if (found) return found;
  await ensureDebianPackages(['redis-server'], 'Redis (shared APQ store and rate limits of gateway replicas)');
  return which('redis-server') ?? '/usr/bin/redis-server';
}

/** True when a Redis server answers PING on the port. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/** A throw-away redis-server on a free loopback port, without persistence. */
export async function startRedis(opts: { dir: string; logFile: string; port?: number }): Promise<RedisInstance> {
  const bin = await ensureRedisServer();
  const port = opts.port ?? (await freePort());
  mkdirSync(opts.dir, { recursive: true });
  const proc = new ManagedProcess(
    'redis-server',
    bin,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', opts.dir, '--protected-mode', 'yes'],
    opts.logFile,
  );
  await waitFor(`Redis on port ${port}`, () => pings(port), { failFast: () => proc.deathNotice() });
  return { url: `redis://127.0.0.1:${port}`, process: proc, stop: () => proc.stop() };
}
