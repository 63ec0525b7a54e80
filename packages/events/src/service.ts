import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Connection, Model } from 'mongoose';
import {
  createLogger,
  createSubgraphServer,
  isConnected,
  loadTypeDefs,
  onShutdown,
  runMain,
  startSubgraph,
  type BaseContext,
  type Logger,
  type Readiness,
  type SignerKeys,
  type Started,
  type SubgraphOptions,
  type SubgraphServer,
} from '@shop/kit';
import type { RunningConsumer } from './consumer.js';
import { connectNats, natsReadiness } from './nats.js';
import { exitWhenConsumersEnd } from './service-events.js';
import { ensureStreams } from './streams.js';

/**
 * The one bootstrap of every long-running service (subgraphs and workers): `runService` is the process
 * `main`, `defineSubgraph` the composition steps a subgraph shares with tests, `attachEvents` the NATS step.
 */

/** A named shutdown step; steps run in order and a failing one does not stop the rest. */
export type ShutdownStep = [string, () => Promise<unknown>];

/** The settings every long-running process reads. */
export interface ProcessSettings {
  NODE_ENV: string;
  LOG_LEVEL: string;
  NATS_URL: string;
  /** Copies of each stream in a JetStream cluster (eventsConfig); 1 when absent. */
  NATS_STREAM_REPLICAS?: number;
}

/** What a started service hands back to the runner. */
export interface RunningProcess {
  /** The consumer loops the process exists to run: one that ends outside a shutdown exits the process with 1. */
  consumers: readonly RunningConsumer[];
  /** Logged with the "ready" line. */
  ready?: Record<string, unknown>;
  /** Shutdown steps before NATS is drained (timers, then consumers finishing what they hold, then relays). */
  stop: ShutdownStep[];
  /** Shutdown steps after NATS is drained (stop intake, finish requests, close MongoDB). */
  close?: ShutdownStep[];
}

export interface ServiceProcess<C extends ProcessSettings> {
  /** Process and logger name (`cart`, `messaging`). */
  name: string;
  /** How the ready line names it (`cart subgraph`); default `name`. */
  label?: string;
  loadConfig: () => C;
  /** Starts the service; `nats()` connects to NATS_URL once (reconnecting forever) and the runner drains it at shutdown. */
  start: (ctx: { config: C; log: Logger; nats: () => Promise<NatsConnection> }) => Promise<RunningProcess>;
}

/**
 * The `main` of a long-running service: config, logger, start, then the rules every process keeps. A
 * consumer loop that ends on its own (consumer deleted, subscription failed) is fatal: the process logs
 * why and exits 1, so the supervisor restarts it and its start provisions the consumer again. On
 * SIGTERM/SIGINT it runs `stop`, drains NATS, runs `close`, and exits. A start that fails exits 1.
 */
export function runService<C extends ProcessSettings>(def: ServiceProcess<C>): void {
  runMain(def.name, async () => {
    const config = def.loadConfig();
    const log = createLogger(def.name, config.LOG_LEVEL, config.NODE_ENV === 'development' && process.stdout.isTTY);
    let nc: Promise<NatsConnection> | undefined;
    const nats = () => (nc ??= connectNats(config.NATS_URL, def.name, log));
    const running = await def.start({ config, log, nats });
    exitWhenConsumersEnd(log, running.consumers);
    // The shutdown handlers go in before the ready line: until a SIGTERM listener exists the signal's
    // default action kills the process on the spot, so a supervisor that stops a process it has just
    // seen ready would otherwise skip the drain (seen once in CI: exit by SIGTERM instead of code 0).
    onShutdown(log, [...running.stop, ['drain NATS', async () => nc && (await nc).drain()], ...(running.close ?? [])]);
    log.info({ ...running.ready, nats: config.NATS_URL }, `${def.label ?? def.name} ready`);
  });
}

/**
 * The NATS step of a service: provisions the streams (idempotent; every service does it, so none depends
 * on another having started first) with `streamReplicas` copies each (NATS_STREAM_REPLICAS), starts the
 * service's relay and consumers, and adds the broker connection to its /readyz checks.
 */
export async function attachEvents<E>(
  nc: NatsConnection,
  readiness: Readiness[],
  start: () => Promise<E>,
  opts: { streamReplicas?: number } = {},
): Promise<E> {
  await ensureStreams(await jetstreamManager(nc), { replicas: opts.streamReplicas });
  const events = await start();
  readiness.push(natsReadiness(nc));
  return events;
}

/** The settings `defineSubgraph` reads. */
export interface SubgraphSettings extends ProcessSettings {
  MONGODB_URL: string;
  MONGODB_DB: string;
  PORT: number;
  HOST: string;
  SIGNER_KEYS: SignerKeys;
}

/** What `defineSubgraph` adds to the parts a subgraph builds. */
export interface SubgraphBase {
  server: SubgraphServer;
  /** /readyz checks: MongoDB, and the broker once the events are attached. */
  readiness: Readiness[];
}

/** A subgraph's event side: its consumers (and outbox relay) and how to stop them. */
export interface SubgraphEvents {
  consumers: readonly RunningConsumer[];
  stop(): Promise<void>;
}

export interface EventsContext<EC> {
  nc: NatsConnection;
  config: EC;
  log: Logger;
  /** Events handled at once per consumer (default 4). */
  concurrency?: number;
}

export interface SubgraphDefinition<
  C extends SubgraphSettings & EC,
  P extends object,
  TContext extends BaseContext,
  EC,
  E extends SubgraphEvents,
> {
  name: string;
  /** The SDL file: `new URL('../src/schema.graphql', import.meta.url)`. */
  schema: URL;
  resolvers: unknown;
  /** The domain objects on an open connection (models, store, use cases, clients of other services). */
  parts: (conn: Connection, config: C, log: Logger) => P | Promise<P>;
  /** The models whose indexes are created at start-up. */
  models: (parts: P) => Model<never>[];
  /** The per-request context on top of the verified base context. */
  context: (parts: P, base: BaseContext, config: C) => TContext | Promise<TContext>;
  /** Extra HTTP routes (internal APIs, webhooks). */
  routes?: (parts: P, config: C, log: Logger) => SubgraphOptions<TContext>['routes'];
  /** Runs once the subgraph listens (it then knows its own address). */
  listening?: (service: Started<P & SubgraphBase>, config: C) => void;
  /** Starts the relay and consumers (the streams exist by then). */
  events: (service: P & SubgraphBase, o: EventsContext<EC>) => Promise<E>;
  /** Timers (sweepers, reconcilers) started once the events run; returns their shutdown steps. */
  background?: (service: P & SubgraphBase, config: C, log: Logger) => ShutdownStep[];
  /** Fields for the ready line besides the URL (the services it calls). */
  ready?: (service: Started<P & SubgraphBase>, config: C) => Record<string, unknown>;
}

export interface Subgraph<C, S, EC, E> {
  name: string;
  typeDefs: ReturnType<typeof loadTypeDefs>;
  /** Builds the subgraph on an open connection: no listen and no NATS (tests decide those). */
  build: (conn: Connection, config: C, log: Logger) => Promise<S>;
  /** Connects, creates indexes and listens (see `startSubgraph`). */
  start: (config: C, log: Logger) => Promise<Started<S>>;
  /** The NATS step (`attachEvents`), separate so the GraphQL side runs, and is tested, without a broker. */
  attach: (service: S, nc: NatsConnection, config: EC, log: Logger, opts?: { concurrency?: number; streamReplicas?: number }) => Promise<E>;
  /** The process `main` (`runService`): listen, NATS, events, timers; `index.ts` is this one call. */
  run: (loadConfig: () => C) => void;
}

/** One subgraph's composition, written once: what `index.ts`, tests, `npm start` and e2e all start. */
export function defineSubgraph<
  C extends SubgraphSettings & EC,
  P extends object,
  TContext extends BaseContext,
  EC,
  E extends SubgraphEvents,
>(def: SubgraphDefinition<C, P, TContext, EC, E>): Subgraph<C, P & SubgraphBase, EC, E> {
  type S = P & SubgraphBase;
  const typeDefs = loadTypeDefs(def.schema);

  async function build(conn: Connection, config: C, log: Logger): Promise<S> {
    const parts = await def.parts(conn, config, log);
    const readiness: Readiness[] = [{ name: 'mongodb', check: () => isConnected(conn) }];
    const server = await createSubgraphServer<TContext>({
      name: def.name,
      typeDefs,
      resolvers: def.resolvers,
      signerKeys: config.SIGNER_KEYS,
      log,
      readiness,
      routes: def.routes?.(parts, config, log),
      buildContext: (base) => def.context(parts, base, config),
    });
    return { ...parts, server, readiness };
  }

  async function start(config: C, log: Logger): Promise<Started<S>> {
    const started = await startSubgraph({
      mongoUrl: config.MONGODB_URL,
      dbName: config.MONGODB_DB,
      port: config.PORT,
      host: config.HOST,
      build: (conn) => build(conn, config, log),
      models: (service) => def.models(service),
    });
    def.listening?.(started, config);
    return started;
  }

  const attach: Subgraph<C, S, EC, E>['attach'] = (service, nc, config, log, { streamReplicas, ...opts } = {}) =>
    attachEvents(nc, service.readiness, () => def.events(service, { nc, config, log, ...opts }), { streamReplicas });

  const run = (loadConfig: () => C) =>
    runService({
      name: def.name,
      label: `${def.name} subgraph`,
      loadConfig,
      start: async ({ config, log, nats }) => {
        const service = await start(config, log);
        const events = await attach(service, await nats(), config, log, { streamReplicas: config.NATS_STREAM_REPLICAS });
        const timers = def.background?.(service, config, log) ?? [];
        return {
          consumers: events.consumers,
          ready: { url: service.url, ...def.ready?.(service, config) },
          // Records written by requests still in flight after the relay stopped stay in the outbox: the next start publishes them.
          stop: [...timers, ['stop consumers, then the outbox relay', () => events.stop()]],
          close: [['stop intake, finish requests, close MongoDB', service.close]],
        };
      },
    });

  return { name: def.name, typeDefs, build, start, attach, run };
}
