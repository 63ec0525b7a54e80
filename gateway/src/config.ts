import { z } from 'zod';
import { eventsConfig } from '@shop/events';
import { commaList, commonConfig, duration, durationMs, httpUrl, mongoConfig, parseConfig, secret, signingKey } from '@shop/kit';

const url = z.url({ protocol: /^https?$/ }).optional();

/** Gateway settings; the only file that reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const production = env.NODE_ENV === 'production';
  return parseConfig(
    'gateway',
    {
      ...commonConfig(4000),
      /** Signs the caller context (guests, users, partners, service:gateway) sent to every subgraph. */
      SIGNING_KEY: signingKey('gateway', env),
      /** HS256 key of development tokens (`npm run token`); unused when JWKS_URL is set, never used in production. */
      JWT_SECRET: production ? z.string().optional() : secret('dev-only-jwt-secret-change-me-please', env),
      /** The identity provider's key set (RS256/ES256/EdDSA), cached and refetched on rotation; required in production. */
      JWKS_URL: production ? httpUrl : url,
      /** Expected `iss` / `aud` of JWKS-verified tokens (checked when set). */
      JWT_ISSUER: z.string().min(1).optional(),
      /** Required in production, so a token the identity provider issued for another application is refused. */
      JWT_AUDIENCE: production ? z.string().min(1) : z.string().min(1).optional(),
      /** How long a fetched key set is trusted before it is fetched again (an unknown `kid` refetches sooner). */
      JWKS_CACHE_MAX_AGE: duration('10m'),
      /** While the identity provider cannot be reached, how much longer the last fetched key set is used (0 = not at all). */
      JWKS_STALE_IF_ERROR: duration('1h'),
      /** After a key-set fetch, how long a token with an unknown `kid` is refused without fetching again (a rotation's new key is seen after this). */
      JWKS_REFETCH_COOLDOWN: duration('30s'),
      /** Partner registry and usage counts (database `shop_gateway`). */
      ...mongoConfig('shop_gateway', 'mongodb://127.0.0.1:27017'),
      /** APQ store and rate-limit counters shared by all gateway replicas; in memory per replica when unset. */
      REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
      /** How long an automatically persisted query stays registered. */
      APQ_TTL: duration('24h'),
      /**
       * Longest document (UTF-8 bytes) registered as an automatically persisted query; longer ones are
       * answered but not stored. 32 KiB is ten times the largest operation of this API and more than
       * MAX_TOKENS tokens take in ordinary formatting.
       */
      APQ_MAX_BYTES: z.coerce
        .number()
        .int()
        .min(1_024)
        .max(1_000_000)
        .default(32 * 1024),
      /** The partner safelist (Apollo persisted-query manifest); defaults to schema/persisted-queries/partner.json. */
      PERSISTED_QUERIES_PATH: z.string().optional(),
      /** How long a partner key lookup is cached; a revocation takes effect within this time. */
      PARTNER_CACHE_TTL: duration('10s'),
      /** How often per-partner usage counts are written to the database. */
      PARTNER_USAGE_FLUSH: duration('10s'),
      /** Requests per RATE_LIMIT_WINDOW: per client IP (no API key), and per partner API key. */
      RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).max(10_000_000).default(600),
      RATE_LIMIT_PER_KEY: z.coerce.number().int().min(1).max(10_000_000).default(1_200),
      RATE_LIMIT_WINDOW: duration('1m'),
      /**
       * How many proxies in front append to X-Forwarded-For (Express `trust proxy` as a hop count): 0 =
       * clients connect directly and the header is ignored; N = the client is the N-th entry from the
       * right. Set it higher than the real number of proxies and clients choose their own address.
       */
      TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
      /** GraphQL Armor limits, checked before anything runs. */
      MAX_DEPTH: z.coerce.number().int().min(1).max(100).default(10),
      MAX_ALIASES: z.coerce.number().int().min(0).max(1_000).default(15),
      MAX_COST: z.coerce.number().int().min(1).max(1_000_000).default(5_000),
      MAX_TOKENS: z.coerce.number().int().min(100).max(1_000_000).default(2_000),
      MAX_DIRECTIVES: z.coerce.number().int().min(0).max(1_000).default(50),
      /** Longest list accepted anywhere in an operation's variables. */
      MAX_LIST_LENGTH: z.coerce.number().int().min(1).max(100_000).default(200),
      /** Subgraph URL overrides; the committed supergraph holds the local defaults. */
      PRODUCT_URL: url,
      CART_URL: url,
      ORDER_URL: url,
      PAYMENT_URL: url,
      /** The invoice subgraph (also where signed PDF links are fetched from, signed as service:gateway). */
      INVOICE_URL: url,
      /** Shared with the invoice service, which signs `pdfUrl` with it (docs/design.md §7). */
      PDF_LINK_SECRET: secret('dev-only-pdf-link-secret-change-me', env),
      SUPERGRAPH_PATH: z.string().optional(),
      CORS_ORIGINS: commaList,
      MAX_SUBGRAPH_SOCKETS: z.coerce.number().int().min(1).max(1_000).default(50),
      SUBGRAPH_TIMEOUT_MS: durationMs(10_000),
      MAX_BODY_BYTES: z.coerce.number().int().min(1_024).max(50_000_000).default(1_000_000),
      /**
       * Where the live order feed (GET /orders/{id}/events) reads the order's events; without it that route
       * answers 503 and everything else works. `npm start` and compose set it.
       */
      NATS_URL: eventsConfig.NATS_URL.unwrap().optional(),
      /** Live order streams open at once on this gateway, and per caller (signed-in subject, or address for guests). */
      SSE_MAX_STREAMS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
      SSE_MAX_STREAMS_PER_CALLER: z.coerce.number().int().min(1).max(10_000).default(10),
      /** Interval of the comment line that keeps idle live streams open through proxies. */
      SSE_HEARTBEAT: duration('15s'),
      /** Most events per stream read back for one resume (Last-Event-ID); a longer gap is reported instead. */
      SSE_MAX_REPLAY: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
      APOLLO_TELEMETRY_DISABLED: z.literal('1', { message: 'must be 1: the gateway never reports telemetry' }),
    },
    env,
  );
}

export type GatewayConfig = ReturnType<typeof loadConfig>;

/** Per-subgraph URL overrides from the environment (PRODUCT_URL, CART_URL, ORDER_URL, …). */
export function subgraphUrlOverrides(config: GatewayConfig): Record<string, string | undefined> {
  return {
    product: config.PRODUCT_URL,
    cart: config.CART_URL,
    order: config.ORDER_URL,
    payment: config.PAYMENT_URL,
    invoice: config.INVOICE_URL,
  };
}
