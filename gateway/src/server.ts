import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import cors from 'cors';
import fetcher from 'make-fetch-happen';
import { parse, validate } from 'graphql';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloGateway } from '@apollo/gateway';
import {
  connectMongo,
  graphqlMetricsPlugin,
  listen,
  maskErrors,
  mountHealth,
  REQUEST_ID_HEADER,
  suppressedUnlessTraced,
  type Logger,
  type RunningServer,
} from '@shop/kit';
import { createAuthenticator } from './auth.js';
import { subgraphUrlOverrides, type GatewayConfig } from './config.js';
import type { GatewayContext } from './context.js';
import { SignedDataSource } from './datasource.js';
import { admission, API_KEY_HEADER, partnerSafelist, type PartnerAdmission } from './edge.js';
import { sendGraphQLError } from './http-errors.js';
import { invoicePdfRoute } from './invoice-pdf.js';
import { requestIdOf } from './request-id.js';
import { queryLimits } from './limits.js';
import { ManifestFirstCache, apqStore } from './apq.js';
import { PartnerDirectory } from './partners/directory.js';
import { UsageCounter } from './partners/usage.js';
import { DEFAULT_MANIFEST, loadSafelist, type Safelist } from './partners/manifest.js';
import { partnerPlugin } from './partners/plugin.js';
import { partnerModels } from './partners/registry.js';
import { RateLimiter } from './rate-limit.js';
import { sharedFetcher, sharingGateway, type Fetcher, type SharingStats } from './sharing.js';
import { closeRedis, connectRedis } from './redis.js';
import { OrderEventFeed } from './live/feed.js';
import { liveOrderRoute } from './live/route.js';
import { graphiqlRouter, withGraphiqlLink } from './graphiql.js';
import { operationResolutionPlugin } from './operation-resolution.js';

export const DEFAULT_SUPERGRAPH = new URL('../../schema/supergraph.graphql', import.meta.url);

export interface Gateway {
  app: Express;
  listen: (port: number, host?: string) => Promise<RunningServer>;
  /** Subgraph names with the URLs actually used. */
  subgraphs: Record<string, string>;
  /** Writes the partner usage counted so far (it is also written every PARTNER_USAGE_FLUSH and at shutdown). */
  flushUsage: () => Promise<void>;
  /** How many operations and subgraph fetches joined an identical one in flight, since start. */
  sharing: () => SharingStats;
}

export interface GatewayOptions {
  /** Query limits (GraphQL Armor, list lengths) are always on; `false` exists only so `bench/` can measure their cost. */
  limits?: boolean;
  /** In-flight deduplication (sharing.ts) is always on; `false` exists only so `bench/` can measure it. */
  share?: boolean;
}

export async function buildGateway(config: GatewayConfig, log: Logger, opts: GatewayOptions = {}): Promise<Gateway> {
  const production = config.NODE_ENV === 'production';
  const auth = createAuthenticator(config, {
    cooldownDuration: config.JWKS_REFETCH_COOLDOWN,
    onKeysUnavailable: (err, fallback) =>
      fallback === 'stale'
        ? log.warn({ err }, 'identity provider keys unavailable; verifying tokens with the last key set fetched')
        : log.error({ err }, 'identity provider keys unavailable; refusing signed-in requests'),
  });
  const safelist = loadSafelist(config.PERSISTED_QUERIES_PATH ?? DEFAULT_MANIFEST);
  const overrides = subgraphUrlOverrides(config);
  const subgraphs: Record<string, string> = {};
  // One keep-alive pool with bounded sockets for all subgraph calls (Apollo's gateway-performance advice).
  // Node's own agents, not make-fetch-happen's default (@npmcli/agent on agent-base): that one answers
  // Node's `agent.protocol` read by capturing and scanning a stack trace, once or twice per subgraph call.
  const agentOptions = { keepAlive: true, maxSockets: config.MAX_SUBGRAPH_SOCKETS };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  const pooled = fetcher.defaults({
    agent: (url: URL) => (url.protocol === 'https:' ? agents.https : agents.http),
    retry: false,
    timeout: config.SUBGRAPH_TIMEOUT_MS,
  });
  const share = opts.share !== false;
  const fetches = sharedFetcher(pooled as unknown as Fetcher);
  const apollo = new ApolloGateway({
    supergraphSdl: readFileSync(config.SUPERGRAPH_PATH ?? DEFAULT_SUPERGRAPH, 'utf8'),
    buildService: ({ name, url }) => {
      const target = overrides[name] ?? url!;
      subgraphs[name] = target;
      const fetch = share ? fetches.fetch : (pooled as unknown as Fetcher);
      return new SignedDataSource({ name, url: target, fetcher: fetch, signer: config.SIGNING_KEY, log, share });
    },
  });
  const gateway = share ? sharingGateway(apollo, log) : apollo;

  // Partner admission waits on this database: in an outage, answer 503 within 2 s rather than hold requests for 10.
  const conn = await connectMongo(config.MONGODB_URL, config.MONGODB_DB, { timeoutMs: 2_000 });
  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, log) : undefined;
  const models = await partnerModels(conn);
  const directory = new PartnerDirectory(models, config.PARTNER_CACHE_TTL);
  const usage = new UsageCounter(models, log);
  const stopUsage = usage.start(config.PARTNER_USAGE_FLUSH);
  const limiter = new RateLimiter(
    { perIp: config.RATE_LIMIT_PER_IP, perKey: config.RATE_LIMIT_PER_KEY, windowMs: config.RATE_LIMIT_WINDOW },
    redis,
  );
  const limits = opts.limits === false ? { plugins: [], validationRules: [], parseOptions: {} } : queryLimits(config, production);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  const httpServer = http.createServer(app);
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;

  const safelistCheck = safelistMatchesSchema(safelist);
  const server = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !production,
    // A partner's GET carries x-api-key, which a browser cannot add to a simple (CSRF-able) request.
    csrfPrevention: { requestHeaders: ['x-apollo-operation-name', 'apollo-require-preflight', API_KEY_HEADER] },
    persistedQueries: {
      cache: new ManifestFirstCache(safelist, apqStore(redis, log), config.APQ_MAX_BYTES),
      ttl: Math.round(config.APQ_TTL / 1000),
    },
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    includeStacktraceInErrorResponses: false,
    formatError: maskErrors((err) => log.error({ err }, 'internal error')),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      production
        ? ApolloServerPluginLandingPageDisabled()
        : withGraphiqlLink(
            ApolloServerPluginLandingPageLocalDefault({
              embed: { runTelemetry: false, endpointIsEditable: false, initialState: { pollForSchemaUpdates: true } },
              footer: false,
              includeCookies: false,
            }),
          ),
      ...(limits.plugins as ApolloServerPlugin<GatewayContext>[]),
      operationResolutionPlugin<GatewayContext>(),
      partnerPlugin(usage),
      safelistCheck.plugin,
      // Operation names become labels only from the safelist; any other operation is labelled by its root field.
      graphqlMetricsPlugin<GatewayContext>({
        component: 'gateway',
        registeredOperations: new Set([...safelist.byId.values()].map((op) => op.name)),
        clientClass: (ctx) => ctx.caller.kind,
      }),
    ],
  });
  await server.start();
  const drift = safelistCheck.problems();
  if (drift.length) {
    await server.stop();
    throw new Error(`the partner safelist does not validate against the supergraph:\n${drift.map((d) => `  - ${d}`).join('\n')}`);
  }

  let lastCheck = { at: 0, ok: false };
  mountHealth(app, [
    {
      name: 'subgraphs',
      check: async () => {
        if (Date.now() - lastCheck.at > 5_000) {
          const ok = await apollo.serviceHealthCheck().then(
            () => true,
            () => false,
          );
          lastCheck = { at: Date.now(), ok };
        }
        return lastCheck.ok;
      },
    },
    // MongoDB and Redis are not readiness gates: without them the gateway degrades (partner requests
    // get 503, APQ hashes miss, rate limits count per replica) but still serves everyone else, which
    // is better than a load balancer taking every replica out of rotation at once.
  ]);
  const corsPolicy = cors(config.CORS_ORIGINS.length ? { origin: config.CORS_ORIGINS } : { origin: !production });
  app.use(
    '/graphql',
    corsPolicy,
    admission({ directory, limiter, log }),
    express.json({ limit: config.MAX_BODY_BYTES }),
    // A request that was not sampled runs the operation with tracing suppressed (docs/design.md §11, "Cost").
    (_req, _res, next) => suppressedUnlessTraced(next),
    partnerSafelist(safelist),
    expressMiddleware(server, {
      context: async ({ req, res }): Promise<GatewayContext> => {
        const requestId = requestIdOf(req.header(REQUEST_ID_HEADER));
        const admitted = res.locals.admission as PartnerAdmission | undefined;
        if (admitted) {
          return {
            caller: { kind: 'partner', partnerId: admitted.partner.name },
            requestId,
            partner: { name: admitted.partner.name, operationId: admitted.operation.id, operationName: admitted.operation.name },
          };
        }
        return { caller: await auth.authenticate(req.header('authorization')), requestId };
      },
    }),
  );
  app.get('/invoices/:file', ipLimit(limiter), invoicePdfRoute({ config, log, invoiceUrl: () => subgraphs.invoice ?? overrides.invoice }));
  // Live order events (docs/design.md "Live order events"): one NATS fan-out per gateway, 503 without NATS_URL.
  const feed = config.NATS_URL ? new OrderEventFeed(config.NATS_URL, log, { maxReplay: config.SSE_MAX_REPLAY }) : undefined;
  const live = liveOrderRoute({
    feed,
    server,
    authenticate: (header) => auth.authenticate(header),
    log,
    maxStreams: config.SSE_MAX_STREAMS,
    maxStreamsPerCaller: config.SSE_MAX_STREAMS_PER_CALLER,
    heartbeatMs: config.SSE_HEARTBEAT,
  });
  app.use('/orders/:orderId/events', corsPolicy);
  app.get('/orders/:orderId/events', ipLimit(limiter), live.handler);
  if (!production) app.use('/graphiql', graphiqlRouter());
  app.get('/', (_req, res) => res.redirect('/graphql'));
  app.use(bodyErrors(config.MAX_BODY_BYTES, log));

  return {
    app,
    subgraphs,
    flushUsage: () => usage.flush(),
    sharing: () => ({ operationsJoined: 'joined' in gateway ? gateway.joined() : 0, fetchesJoined: fetches.joined() }),
    listen: (port, host = '127.0.0.1') =>
      listen(httpServer, port, host, async () => {
        // Open event streams never finish by themselves: end them before draining the HTTP server.
        live.closeAll();
        await feed?.stop();
        await server.stop();
        agents.http.destroy();
        agents.https.destroy();
        await stopUsage();
        await conn.close();
        if (redis) await closeRedis(redis);
      }),
  };
}

function ipLimit(limiter: RateLimiter): RequestHandler {
  return (req, res, next) => {
    limiter.byIp(req.ip ?? 'unknown').then((v) => {
      if (v.ok) return next();
      res.setHeader('retry-after', String(v.retryAfterSeconds));
      res.status(429).json({ error: `too many requests; retry in ${v.retryAfterSeconds} s` });
    }, next);
  };
}

/** Body-parser refusals as GraphQL-shaped errors (413 for an oversized body, 400 for broken JSON). */
function bodyErrors(maxBytes: number, log: Logger): ErrorRequestHandler {
  return (err: { type?: string; status?: number }, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (err.type === 'entity.too.large') {
      return sendGraphQLError(res, 413, 'PAYLOAD_TOO_LARGE', `The request body is larger than the ${maxBytes} bytes accepted`);
    }
    if (err.type === 'entity.parse.failed') return sendGraphQLError(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON');
    if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
      return sendGraphQLError(res, err.status, 'BAD_REQUEST', 'The request could not be read');
    }
    log.error({ err }, 'unhandled request error');
    sendGraphQLError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
  };
}

/** Validates every safelisted body against the API schema once it is loaded (fail fast on drift). */
function safelistMatchesSchema(safelist: Safelist): { plugin: ApolloServerPlugin<GatewayContext>; problems: () => string[] } {
  let problems: string[] = [];
  return {
    problems: () => problems,
    plugin: {
      serverWillStart: () =>
        Promise.resolve({
          schemaDidLoadOrUpdate({ apiSchema }) {
            problems = [...safelist.byId.values()].flatMap((op) =>
              validate(apiSchema, parse(op.body)).map((e) => `${op.name} (${op.id.slice(0, 12)}…): ${e.message}`),
            );
          },
        }),
    },
  };
}
