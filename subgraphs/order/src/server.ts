import { defineSubgraph, type EventsContext, type SubgraphBase } from '@shop/events';
import type { Logger, Started } from '@shop/kit';
import { Checkout } from './checkout.js';
import type { OrderConfig } from './config.js';
import type { OrderContext } from './context.js';
import { describeDuration } from './domain.js';
import { startOrderEvents, type OrderEvents } from './events.js';
import { Listing } from './listing.js';
import { createLoaders } from './loaders.js';
import { allModels, createModels, type OrderModels } from './model.js';
import { Orders } from './orders.js';
import { resolvers } from './resolvers/index.js';
import { serviceClients, type Services } from './services.js';
import { OrderStore } from './store.js';
import { startPaymentTimeoutSweeper, sweepPaymentTimeouts } from './sweeper.js';

export interface OrderService extends SubgraphBase {
  models: OrderModels;
  store: OrderStore;
  orders: Orders;
  checkout: Checkout;
  listing: Listing;
  /** The cart and product calls, signed as service:order. */
  services: Services;
  /** One sweep of the payment timeout (the timer calls this; tests call it with a `now` of their own). */
  sweep: (now?: Date) => Promise<number>;
}

/** The payment-timeout sweeper on a timer (every ORDER_SWEEP_INTERVAL); returns its stop function. */
export function startOrderSweeper(service: Pick<OrderService, 'store' | 'orders'>, config: OrderConfig, log: Logger): () => Promise<void> {
  return startPaymentTimeoutSweeper(
    service.store,
    service.orders,
    describeDuration(config.ORDER_PAYMENT_TIMEOUT),
    config.ORDER_SWEEP_INTERVAL,
    log,
  );
}

/**
 * The order subgraph: checkout and the order lifecycle over its database; the NATS step starts the
 * outbox relay and the payment consumers; the sweeper cancels orders unpaid past the timeout.
 */
export const orderSubgraph = defineSubgraph({
  name: 'order',
  schema: new URL('../src/schema.graphql', import.meta.url),
  resolvers,
  parts: (conn, config: OrderConfig, log): Omit<OrderService, keyof SubgraphBase> => {
    const models = createModels(conn);
    const store = new OrderStore(models);
    const orders = new Orders(store, log);
    const services = serviceClients({
      cartUrl: config.CART_URL,
      productUrl: config.PRODUCT_URL,
      signer: config.SIGNING_KEY,
      timeoutMs: config.SERVICE_TIMEOUT_MS,
    });
    const checkout = new Checkout(
      store,
      orders,
      services,
      { taxRateBps: config.TAX_RATE_BPS, currency: config.STORE_CURRENCY, paymentTimeoutMs: config.ORDER_PAYMENT_TIMEOUT },
      log,
    );
    const label = describeDuration(config.ORDER_PAYMENT_TIMEOUT);
    const sweep = (now?: Date) => sweepPaymentTimeouts(store, orders, label, now);
    return { models, store, orders, checkout, listing: new Listing(models), services, sweep };
  },
  models: (parts) => allModels(parts.models),
  context: (parts, base): OrderContext => ({
    ...base,
    loaders: createLoaders(parts.store),
    checkout: parts.checkout,
    orders: parts.orders,
    listing: parts.listing,
  }),
  events: (service, o: EventsContext<OrderConfig>): Promise<OrderEvents> => startOrderEvents(service, o),
  background: (service, config, log) => [
    ['stop sweeper', startOrderSweeper(service, config, log)],
    ['stop retrying releases', () => Promise.resolve(service.checkout.releases.stop())],
  ],
  ready: (_service, config) => ({ cartUrl: config.CART_URL, productUrl: config.PRODUCT_URL }),
});

type OrderSubgraph = typeof orderSubgraph;
export const startOrderService: OrderSubgraph['start'] = orderSubgraph.start;
export const attachOrderEvents: OrderSubgraph['attach'] = orderSubgraph.attach;
export type StartedOrderService = Started<OrderService>;
