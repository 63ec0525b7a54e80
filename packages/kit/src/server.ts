import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode } from 'graphql';
import type { Connection, Model } from 'mongoose';
import { connectMongo, ensureIndexes } from './mongo.js';

type LegacySchemaModule = Exclude<Parameters<typeof buildSubgraphSchema>[0], DocumentNode | readonly unknown[]>;
import type { Logger } from './logger.js';
import { acceptContext, CONTEXT_HEADER, REPLAY_GUARD_FULL, REQUEST_ID_HEADER, ReplayGuard, type Caller } from './identity.js';
import type { SignerKeys } from './signing-keys.js';
import { maskErrors, unauthenticated } from './errors.js';
import { graphqlMetricsPlugin } from './graphql-metrics.js';
import { mountMetrics } from './metrics.js';

/** What every subgraph context carries; services extend it with loaders and domain handles. */
export interface BaseContext {
  caller: Caller;
  requestId: string;
  log: Logger;
}

export interface Readiness {
  name: string;
  check: () => boolean | Promise<boolean>;
}

export interface SubgraphOptions<TContext extends BaseContext> {
  name: string;
  typeDefs: DocumentNode;
  // Codegen's resolver types are structurally checked at their definition; the federation helper wants its own map type.
  resolvers: unknown;
  /** The public keys of the signers this subgraph trusts (`SIGNER_KEYS`). */
  signerKeys: SignerKeys;
  log: Logger;
  /** Adds per-request state (loaders, models) to the verified base context. */
  buildContext: (base: BaseContext) => TContext | Promise<TContext>;
  readiness?: Readiness[];
  /**
   * Extra routes (internal HTTP APIs), mounted before /graphql. Routes that accept signed contexts
   * claim them in `kit.replayGuard`, the one /graphql uses, so a header is good once across both.
   */
  routes?: (app: Express, kit: { replayGuard: ReplayGuard; audience: string }) => void;
  /** Cap on remembered signed-context nonces (see ReplayGuard); the default suits one process. */
  maxSignedContexts?: number;
  plugins?: ApolloServerPlugin<TContext>[];
}

export interface RunningServer {
  url: string;
  port: number;
  close: () => Promise<void>;
}

export interface SubgraphServer {
  app: Express;
  httpServer: http.Server;
  apollo: ApolloServer<TContextAny>;
  listen: (port: number, host?: string) => Promise<RunningServer>;
}
type TContextAny = BaseContext;

/**
 * Builds (but does not start listening) a subgraph: Apollo Server with the federation schema,
 * signed-context verification on every operation, masked internal errors, /healthz, /readyz and /metrics.
 */
export async function createSubgraphServer<TContext extends BaseContext>(opts: SubgraphOptions<TContext>): Promise<SubgraphServer> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  // Keep idle sockets open longer than the gateway's pool so reused sockets are never reset under it.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;

  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema({
      typeDefs: opts.typeDefs,
      resolvers: opts.resolvers as LegacySchemaModule['resolvers'],
    }),
    includeStacktraceInErrorResponses: false,
    formatError: maskErrors((err) => opts.log.error({ err }, 'internal error')),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      graphqlMetricsPlugin<TContext>({ component: opts.name, clientClass: (ctx) => ctx.caller.kind }),
      ...(opts.plugins ?? []),
    ],
  });
  await apollo.start();

  // Each signed context is accepted once: a captured header cannot be replayed within its TTL.
  const replayGuard = new ReplayGuard({ maxEntries: opts.maxSignedContexts });
  mountHealth(app, opts.readiness ?? []);
  opts.routes?.(app, { replayGuard, audience: opts.name });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const verified = acceptContext(opts.signerKeys, req.header(CONTEXT_HEADER), replayGuard, Date.now(), opts.name);
        if (!verified.ok) {
          const level = verified.reason === REPLAY_GUARD_FULL ? 'error' : 'warn';
          opts.log[level]({ reason: verified.reason }, 'refused unsigned request');
          throw unauthenticated(`Requests must come through the gateway (${verified.reason})`);
        }
        const requestId = verified.context.requestId || req.header(REQUEST_ID_HEADER) || randomUUID();
        const log = opts.log.child({ requestId });
        return opts.buildContext({ caller: verified.context.caller, requestId, log });
      },
    }),
  );

  return {
    app,
    httpServer,
    apollo: apollo as unknown as ApolloServer<TContextAny>,
    listen: (port, host = '127.0.0.1') => listen(httpServer, port, host, () => apollo.stop()),
  };
}

/** `/healthz` (live), `/readyz` (every check passes) and `/metrics` (Prometheus text, see metrics.ts): every process's health port. */
export function mountHealth(app: Express, readiness: Readiness[]): void {
  mountMetrics(app);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, boolean> = {};
    for (const r of readiness) {
      try {
        checks[r.name] = await r.check();
      } catch {
        checks[r.name] = false;
      }
    }
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
}

export function listen(
  server: http.Server,
  port: number,
  host: string,
  beforeClose: () => Promise<void> = async () => {},
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        port: addr.port,
        url: `http://${shownHost}:${addr.port}`,
        close: async () => {
          await beforeClose();
          if (server.listening) await new Promise<void>((r) => server.close(() => r()));
        },
      });
    });
  });
}

export type Started<S> = S & { url: string; conn: Connection; close: () => Promise<void> };

/**
 * A subgraph's composition-root steps, shared by `index.ts`, tests and `npm start`: connect to its
 * database, build it, create its indexes, listen. `close` stops intake, finishes requests, then closes MongoDB.
 */
export async function startSubgraph<S extends { server: SubgraphServer }>(opts: {
  mongoUrl: string;
  dbName: string;
  port: number;
  host: string;
  build: (conn: Connection) => Promise<S>;
  models: (service: S) => Model<never>[];
}): Promise<Started<S>> {
  const conn = await connectMongo(opts.mongoUrl, opts.dbName);
  const service = await opts.build(conn);
  await ensureIndexes(opts.models(service));
  const running = await service.server.listen(opts.port, opts.host);
  return {
    ...service,
    conn,
    url: `${running.url}/graphql`,
    close: async () => {
      await running.close();
      await conn.close();
    },
  };
}

/** A subgraph's SDL, parsed (`loadTypeDefs(new URL('../src/schema.graphql', import.meta.url))`). */
export const loadTypeDefs = (file: URL): DocumentNode => parse(readFileSync(file, 'utf8'));
