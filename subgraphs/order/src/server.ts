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

export const typeDefs = parse(readFileSync(new URL('../src/schema.graphql', import.meta.url), 'utf8'));

export interface OrderService {
  server: SubgraphServer;
  models: OrderModels;
  store: OrderStore;
  orders: Orders;
  checkout: Checkout;
  /** The cart and product calls, signed as service:order. */
  services: Services;
  /** One sweep of the payment timeout (the timer calls this; tests call it with a `now` of their own). */
  sweep: (now?: Date) => Promise<number>;
  /** /readyz checks; the NATS step adds its own. */
  readiness: Readiness[];
}

/** Builds the order subgraph on an open connection; no listen and no NATS (tests and index.ts decide that). */
export async function buildOrderService(conn: Connection, config: OrderConfig, log: Logger): Promise<OrderService> {
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
  const listing = new Listing(models);
  const readiness: Readiness[] = [{ name: 'mongodb', check: () => isConnected(conn) }];
  const server = await createSubgraphServer<OrderContext>({
    name: 'order',
    typeDefs,
    resolvers,
    signerKeys: config.SIGNER_KEYS,
    log,
    readiness,
    buildContext: (base) => ({ ...base, loaders: createLoaders(store), checkout, orders, listing }),
  });
  const label = describeDuration(config.ORDER_PAYMENT_TIMEOUT);
  return { server, models, store, orders, checkout, services, readiness, sweep: (now) => sweepPaymentTimeouts(store, orders, label, now) };
}

export type StartedOrderService = Started<OrderService>;

/** Connects, creates indexes and listens (see `startSubgraph`). */
export function startOrderService(config: OrderConfig, log: Logger): Promise<StartedOrderService> {
  return startSubgraph({
    mongoUrl: config.MONGODB_URL,
    dbName: config.MONGODB_DB,
    port: config.PORT,
    host: config.HOST,
    build: (conn) => buildOrderService(conn, config, log),
    models: (service) => allModels(service.models),
  });
}

/**
 * The NATS step, separate so the GraphQL part can run without a broker: streams, the outbox relay, the
 * payment consumers, and a /readyz check on the connection.
 */
export async function attachOrderEvents(service: OrderService, nc: NatsConnection, config: OrderConfig, log: Logger): Promise<OrderEvents> {
  const events = await startOrderEvents(service, { nc, config, log });
  service.readiness.push(natsReadiness(nc));
  return events;
}

/** The payment-timeout sweeper on a timer (every ORDER_SWEEP_INTERVAL); returns its stop function. */
export function startOrderSweeper(service: OrderService, config: OrderConfig, log: Logger): () => Promise<void> {
  return startPaymentTimeoutSweeper(
    service.store,
    service.orders,
    describeDuration(config.ORDER_PAYMENT_TIMEOUT),
    config.ORDER_SWEEP_INTERVAL,
    log,
  );
}
