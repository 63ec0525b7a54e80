import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { Connection } from 'mongoose';
import type { NatsConnection } from '@nats-io/transport-node';
import { natsReadiness } from '@shop/events';
import {
  createSubgraphServer,
  isConnected,
  startSubgraph,
  type Logger,
  type Readiness,
  type Started,
  type SubgraphServer,
} from '@shop/kit';
import { Carts } from './carts.js';
import type { CartConfig, CartEventsSettings } from './config.js';
import type { CartContext } from './context.js';
import { startCartEvents, type CartEvents } from './events.js';
import { createLoaders } from './loaders.js';
import { allModels, createModels, type CartModels } from './model.js';
import { productClient, type FetchSnapshots } from './products.js';
import { resolvers } from './resolvers/index.js';
import { CartStore } from './store.js';

export const typeDefs = parse(readFileSync(new URL('../src/schema.graphql', import.meta.url), 'utf8'));

export interface CartService {
  server: SubgraphServer;
  models: CartModels;
  store: CartStore;
  carts: Carts;
  /** The product service's snapshot call, signed as service:cart. */
  fetchSnapshots: FetchSnapshots;
  /** /readyz checks; the NATS step adds its own. */
  readiness: Readiness[];
}

/** Builds the cart subgraph on an open connection; no listen and no NATS (tests and index.ts decide that). */
export async function buildCartService(conn: Connection, config: CartConfig, log: Logger): Promise<CartService> {
  const models = createModels(conn);
  const store = new CartStore(models, config.CART_TTL);
  const carts = new Carts(store, { maxLineQuantity: config.MAX_LINE_QUANTITY, maxCartLines: config.MAX_CART_LINES });
  const fetchSnapshots = productClient({
    url: config.PRODUCT_URL,
    signer: config.SIGNING_KEY,
    timeoutMs: config.PRODUCT_TIMEOUT_MS,
  });
  const readiness: Readiness[] = [{ name: 'mongodb', check: () => isConnected(conn) }];
  const server = await createSubgraphServer<CartContext>({
    name: 'cart',
    typeDefs,
    resolvers,
    signerKeys: config.SIGNER_KEYS,
    log,
    readiness,
    buildContext: (base) => ({
      ...base,
      config,
      loaders: createLoaders(store, fetchSnapshots, base.requestId, config.TAX_RATE_BPS),
      carts,
    }),
  });
  return { server, models, store, carts, fetchSnapshots, readiness };
}

export type StartedCartService = Started<CartService>;

/** Connects, creates indexes and listens (see `startSubgraph`). */
export function startCartService(config: CartConfig, log: Logger): Promise<StartedCartService> {
  return startSubgraph({
    mongoUrl: config.MONGODB_URL,
    dbName: config.MONGODB_DB,
    port: config.PORT,
    host: config.HOST,
    build: (conn) => buildCartService(conn, config, log),
    models: (service) => allModels(service.models),
  });
}

/**
 * The NATS step, separate so the GraphQL part runs (and is tested) without a broker: the streams, the
 * `order.placed` consumer, and a /readyz check on the connection.
 */
export async function attachCartEvents(
  service: CartService,
  nc: NatsConnection,
  config: CartEventsSettings,
  log: Logger,
  opts: { concurrency?: number } = {},
): Promise<CartEvents> {
  const events = await startCartEvents(service, { nc, config, log, ...opts });
  service.readiness.push(natsReadiness(nc));
  return events;
}
