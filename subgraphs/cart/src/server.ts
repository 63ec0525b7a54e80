import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { Connection } from 'mongoose';
import { createSubgraphServer, isConnected, startSubgraph, type Logger, type Started, type SubgraphServer } from '@shop/kit';
import { Carts } from './carts.js';
import type { CartConfig } from './config.js';
import type { CartContext } from './context.js';
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
}

/** Builds the cart subgraph on an open connection; no listen (tests and index.ts decide that). */
export async function buildCartService(conn: Connection, config: CartConfig, log: Logger): Promise<CartService> {
  const models = createModels(conn);
  const store = new CartStore(models, config.CART_TTL);
  const carts = new Carts(store, { maxLineQuantity: config.MAX_LINE_QUANTITY, maxCartLines: config.MAX_CART_LINES });
  const fetchSnapshots = productClient({
    url: config.PRODUCT_URL,
    secret: config.GATEWAY_SIGNING_SECRET,
    timeoutMs: config.PRODUCT_TIMEOUT_MS,
  });
  const server = await createSubgraphServer<CartContext>({
    name: 'cart',
    typeDefs,
    resolvers,
    signingSecret: config.GATEWAY_SIGNING_SECRET,
    log,
    readiness: [{ name: 'mongodb', check: () => isConnected(conn) }],
    buildContext: (base) => ({
      ...base,
      config,
      loaders: createLoaders(store, fetchSnapshots, base.requestId, config.TAX_RATE_BPS),
      carts,
    }),
  });
  return { server, models, store, carts, fetchSnapshots };
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
