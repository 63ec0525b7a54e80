import { defineSubgraph, type EventsContext, type SubgraphBase } from '@shop/events';
import type { Started } from '@shop/kit';
import { Carts } from './carts.js';
import type { CartConfig, CartEventsSettings } from './config.js';
import type { CartContext } from './context.js';
import { startCartEvents, type CartEvents } from './events.js';
import { createLoaders } from './loaders.js';
import { allModels, createModels, type CartModels } from './model.js';
import { productClient, type FetchSnapshots } from './services.js';
import { resolvers } from './resolvers/index.js';
import { CartStore } from './store.js';
import { startCartSweeper } from './sweeper.js';

export interface CartService extends SubgraphBase {
  models: CartModels;
  store: CartStore;
  carts: Carts;
  /** The product service's snapshot call, signed as service:cart. */
  fetchSnapshots: FetchSnapshots;
}

/**
 * The cart subgraph: GraphQL over its database; the NATS step starts the `order.placed` consumer; the
 * sweeper expires untouched carts.
 */
export const cartSubgraph = defineSubgraph({
  name: 'cart',
  schema: new URL('../src/schema.graphql', import.meta.url),
  resolvers,
  parts: (conn, config: CartConfig): Omit<CartService, keyof SubgraphBase> => {
    const models = createModels(conn);
    const store = new CartStore(models, config.CART_TTL);
    const carts = new Carts(store, { maxLineQuantity: config.MAX_LINE_QUANTITY, maxCartLines: config.MAX_CART_LINES });
    const fetchSnapshots = productClient({ url: config.PRODUCT_URL, signer: config.SIGNING_KEY, timeoutMs: config.PRODUCT_TIMEOUT_MS });
    return { models, store, carts, fetchSnapshots };
  },
  models: (parts) => allModels(parts.models),
  context: (parts, base, config): CartContext => ({
    ...base,
    config,
    loaders: createLoaders(parts.store, parts.fetchSnapshots, base.requestId, config.TAX_RATE_BPS),
    carts: parts.carts,
  }),
  events: (service, o: EventsContext<CartEventsSettings>): Promise<CartEvents> => startCartEvents(service, o),
  background: (service, config, log) => [
    ['stop sweeper', startCartSweeper(service.carts, service.fetchSnapshots, config.CART_TTL, config.CART_SWEEP_INTERVAL, log)],
  ],
  ready: (_service, config) => ({ productUrl: config.PRODUCT_URL }),
});

type CartSubgraph = typeof cartSubgraph;
export const startCartService: CartSubgraph['start'] = cartSubgraph.start;
export const attachCartEvents: CartSubgraph['attach'] = cartSubgraph.attach;
export type StartedCartService = Started<CartService>;
