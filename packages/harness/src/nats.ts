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

/** One server of a loopback JetStream cluster: its client, route and monitoring ports and its store. */
export interface NatsNode {
  /** Server name, unique in the cluster (JetStream's Raft groups know the servers by it). */
  name: string;
  port: number;
  clusterPort: number;
  monitorPort: number;
  storeDir: string;
  logFile: string;
}

/** The client URLs of every node, comma-separated: what NATS_URL holds for a cluster. */
export const natsClusterUrl = (nodes: readonly NatsNode[]) => nodes.map((n) => `nats://127.0.0.1:${n.port}`).join(',');

/**
 * Starts one server of a JetStream cluster named `shop` with routes to every other node of `nodes`.
 * Resolves once its JetStream is enabled; the cluster serves streams once a quorum of nodes runs
 * (`waitForNatsCluster`). Restarting a node on the same ports and store rejoins it.
 */
export async function startNatsNode(node: NatsNode, nodes: readonly NatsNode[]): Promise<ManagedProcess> {
  const bin = await ensureNatsServer();
  mkdirSync(node.storeDir, { recursive: true });
  const routes = nodes.filter((n) => n.name !== node.name).map((n) => `nats://127.0.0.1:${n.clusterPort}`);
  const proc = new ManagedProcess(
    node.name,
    bin,
    [
      ...['-a', '127.0.0.1', '-p', String(node.port), '-m', String(node.monitorPort), '-js', '-sd', node.storeDir],
      ...['--server_name', node.name, '--cluster_name', 'shop', '--cluster', `nats://127.0.0.1:${node.clusterPort}`],
      ...['--routes', routes.join(',')],
    ],
    node.logFile,
  );
  try {
    await waitFor(
      `NATS node ${node.name} on port ${node.port}`,
      async () => (await fetch(`http://127.0.0.1:${node.monitorPort}/healthz?js-enabled-only=true`)).ok,
      { timeoutMs: 30_000, failFast: () => proc.deathNotice() },
    );
  } catch (err) {
    await proc.kill('SIGKILL');
    throw err;
  }
  return proc;
}

/** Resolves when every node reports healthy: the JetStream meta group has a leader and each node is current. */
export async function waitForNatsCluster(nodes: readonly NatsNode[], timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `a JetStream cluster of ${nodes.length} nodes`,
    async () => (await Promise.all(nodes.map(async (n) => (await fetch(`http://127.0.0.1:${n.monitorPort}/healthz`)).ok))).every(Boolean),
    { timeoutMs, intervalMs: 250 },
  );
}
