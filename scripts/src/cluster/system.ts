/**
 * The system of `npm run cluster`: a three-node JetStream cluster, two replicas of every service and
 * worker behind a round-robin proxy each (as a Kubernetes Service), one database, one Redis for the
 * gateways, and the providers' stand-ins once (they are third parties). Ports come from one free block:
 * the proxies take the ports `npm start` gives the services, so every URL a service is given is the
 * proxy's, and each replica has a port of its own.
 */
import { join } from 'node:path';
import { ensureChromium, freePortBlock, natsClusterUrl, startNatsNode, startRedis, type NatsNode } from '@shop/harness';
import { identityOf, mailDirIn, portFrom, serviceSpecs, type ServiceSpec } from '../services.js';
import { SUBGRAPHS } from '../subgraphs.js';
import { databaseUnit, serviceUnit, type SystemLayout } from '../chaos/system.js';
import type { Unit } from '../chaos/supervisor.js';

export const REPLICAS = 2;
/** Twice the processes of `npm start` start on the same cores: a replica gets longer to become ready. */
const STARTUP_MS = 180_000;
export const NATS_NODES = 3;

/** Every service and worker of the shop runs replicated; the sandboxes and the mail catcher stand for third parties. */
export const REPLICATED = [...SUBGRAPHS.map((s) => s.name), 'invoice-renderer', 'messaging', 'gateway'] as const;
/** Those called over HTTP, by their default port: a proxy stands on it. The workers serve health only. */
const PROXIED: Record<string, number> = { gateway: 4000, ...Object.fromEntries(SUBGRAPHS.map((s) => [s.name, s.port])) };

export interface ClusterLayout extends SystemLayout {
  natsNodes: NatsNode[];
  redisPort: number;
  /** Port of replica `i` (0-based) of the service whose `npm start` port is `defaultPort`. */
  replicaPort: (defaultPort: number, i: number) => number;
}

/**
 * Ports from one block of 100: +0…+22 as `npm start` (the proxies and the sandboxes), +23 database,
 * +24 SMTP, +25 Redis, +30… NATS client, route and monitoring ports, +40… and +65… the replicas.
 */
export async function clusterLayout(stateDir: string): Promise<ClusterLayout> {
  const basePort = await freePortBlock(100);
  const logs = join(stateDir, 'logs');
  const natsNodes = Array.from({ length: NATS_NODES }, (_, i) => ({
    name: `nats-${i + 1}`,
    port: basePort + 30 + i,
    clusterPort: basePort + 33 + i,
    monitorPort: basePort + 36 + i,
    storeDir: join(stateDir, `nats-${i + 1}`),
    logFile: join(logs, `nats-${i + 1}.log`),
  }));
  const dbPort = basePort + 23;
  return {
    stateDir,
    logs,
    mailDir: mailDirIn(stateDir),
    basePort,
    dbPort,
    natsPort: natsNodes[0]!.port,
    mailPort: basePort + 24,
    redisPort: basePort + 25,
    natsNodes,
    dbUrl: `mongodb://127.0.0.1:${dbPort}/?directConnection=true&serverSelectionTimeoutMS=5000`,
    natsUrl: natsClusterUrl(natsNodes),
    gatewayUrl: `http://127.0.0.1:${basePort}/graphql`,
    paymentSandboxUrl: `http://127.0.0.1:${basePort + 20}`,
    smsSandboxUrl: `http://127.0.0.1:${basePort + 21}`,
    identityUrl: identityOf(basePort).url,
    replicaPort: (defaultPort, i) => basePort + 40 + 25 * i + (defaultPort - 4000),
  };
}

/**
 * Lifetimes short enough that the sweepers and the reconciler act during the run (the defaults are
 * 30 min and more): abandoned orders time out, abandoned carts expire, a held-back webhook is overtaken
 * by the payment reconciler. Every other setting is `npm start`'s.
 */
export const CLUSTER_TIMING = {
  ORDER_PAYMENT_TIMEOUT: '120s',
  RESERVATION_TTL: '180s',
  RESERVATION_TTL_MARGIN: '60s',
};
const CLUSTER_ENV: Record<string, Record<string, string>> = {
  order: { ORDER_SWEEP_INTERVAL: '3s' },
  product: { RESERVATION_SWEEP_INTERVAL: '3s' },
  // Long enough for a purchase to reach checkout even while its replicas restart on a busy machine.
  cart: { CART_TTL: '120s', CART_SWEEP_INTERVAL: '3s' },
  payment: { PAYMENT_RECONCILE_AFTER: '10s', PAYMENT_RECONCILE_INTERVAL: '3s' },
  // A held-back webhook arrives after the reconciler has settled its payment: both must apply once.
  'payment-sandbox': { SANDBOX_WEBHOOK_DELAY_MS: '20000' },
};

export interface Replica {
  /** `order-1`, `order-2`. */
  name: string;
  service: string;
  port: number;
}

export interface ClusterPlan {
  /** Start order: the database, Redis and the NATS nodes, then each service's replicas together. */
  infra: Unit[];
  services: (Unit | Unit[])[];
  replicas: Replica[];
  /** Proxy port → its replicas' ports. */
  proxies: { service: string; port: number; upstreams: number[] }[];
}

function natsUnit(node: NatsNode, nodes: readonly NatsNode[]): Unit {
  return { name: node.name, start: () => startNatsNode(node, nodes) };
}

function redisUnit(l: ClusterLayout): Unit {
  return {
    name: 'redis',
    start: async () =>
      (await startRedis({ dir: join(l.stateDir, 'redis'), logFile: join(l.logs, 'redis.log'), port: l.redisPort })).process,
  };
}

/** The specs of `npm start`, with the cluster's settings, each replicated service split into its replicas. */
export async function clusterPlan(l: ClusterLayout): Promise<ClusterPlan> {
  await ensureChromium();
  const portOf = portFrom(l.basePort);
  const common = {
    MONGODB_URL: l.dbUrl,
    NATS_URL: l.natsUrl,
    NATS_STREAM_REPLICAS: String(NATS_NODES),
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
  };
  const specs = serviceSpecs({ basePort: l.basePort, mailPort: l.mailPort }, common, l.stateDir, { ...process.env, ...CLUSTER_TIMING });
  const replicas: Replica[] = [];
  const services: (Unit | Unit[])[] = [];
  for (const spec of specs) {
    const env = { ...spec.env, ...CLUSTER_ENV[spec.name] };
    if (spec.name === 'gateway') env.REDIS_URL = `redis://127.0.0.1:${l.redisPort}`;
    if (spec.name === 'payment') env.PUBLIC_WEBHOOK_URL = `http://127.0.0.1:${portOf(4004)}/webhooks/psp`;
    if (!(REPLICATED as readonly string[]).includes(spec.name)) {
      services.push(serviceUnit({ ...spec, env }, l.logs, STARTUP_MS));
      continue;
    }
    const defaultPort = spec.port - l.basePort + 4000;
    const group = Array.from({ length: REPLICAS }, (_, i): ServiceSpec => ({
      ...spec,
      name: `${spec.name}-${i + 1}`,
      port: l.replicaPort(defaultPort, i),
      env,
    }));
    for (const r of group) replicas.push({ name: r.name, service: spec.name, port: r.port });
    services.push(group.map((r) => serviceUnit(r, l.logs, STARTUP_MS)));
  }
  const proxies = Object.entries(PROXIED).map(([service, defaultPort]) => ({
    service,
    port: portOf(defaultPort),
    upstreams: replicas.filter((r) => r.service === service).map((r) => r.port),
  }));
  return {
    infra: [databaseUnit(l), redisUnit(l), ...l.natsNodes.map((n) => natsUnit(n, l.natsNodes))],
    services,
    replicas,
    proxies,
  };
}
