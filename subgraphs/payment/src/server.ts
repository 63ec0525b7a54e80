import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
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
import type { PaymentConfig } from './config.js';
import type { PaymentContext } from './context.js';
import { startPaymentEvents, type PaymentEvents } from './events.js';
import { createLoaders } from './loaders.js';
import { allModels, createModels, type PaymentModels } from './model.js';
import { Payments } from './payments.js';
import { HttpPaymentProvider, type PaymentProvider } from './provider.js';
import { Reconciler, startReconciler } from './reconciler.js';
import { resolvers } from './resolvers/index.js';
import { serviceClients, type Services } from './services.js';
import { PaymentStore } from './store.js';
import { WEBHOOK_PATH, webhookRoutes } from './webhook.js';

export const typeDefs = parse(readFileSync(new URL('../src/schema.graphql', import.meta.url), 'utf8'));

export interface PaymentService {
  server: SubgraphServer;
  models: PaymentModels;
  store: PaymentStore;
  payments: Payments;
  provider: PaymentProvider;
  /** The order read and the stock hold, signed as service:payment. */
  services: Services;
  /** Looks up payments left in flight at the provider (`startPaymentReconciler` runs it on a timer). */
  reconciler: Reconciler;
  readiness: Readiness[];
}

/** Builds the payment subgraph on an open connection (GraphQL + the webhook route); no listen, no NATS. */
export async function buildPaymentService(conn: Connection, config: PaymentConfig, log: Logger): Promise<PaymentService> {
  const models = createModels(conn);
  const store = new PaymentStore(models);
  const provider = new HttpPaymentProvider({
    url: config.PSP_URL,
    apiKey: config.PSP_API_KEY,
    timeoutMs: config.PSP_TIMEOUT_MS,
    maxAttempts: config.PSP_MAX_ATTEMPTS,
    retryBaseMs: config.PSP_RETRY_BASE_MS,
    log,
  });
  const services = serviceClients({
    orderUrl: config.ORDER_URL,
    productUrl: config.PRODUCT_URL,
    signer: config.SIGNING_KEY,
    timeoutMs: config.SERVICE_TIMEOUT_MS,
  });
  const payments = new Payments(store, provider, services, log);
  if (config.PUBLIC_WEBHOOK_URL) payments.webhookUrl = config.PUBLIC_WEBHOOK_URL;
  const readiness: Readiness[] = [{ name: 'mongodb', check: () => isConnected(conn) }];
  const server = await createSubgraphServer<PaymentContext>({
    name: 'payment',
    typeDefs,
    resolvers,
    signerKeys: config.SIGNER_KEYS,
    log,
    readiness,
    routes: webhookRoutes({ secret: config.PSP_WEBHOOK_SECRET, toleranceSeconds: config.WEBHOOK_TOLERANCE_SECONDS, payments, log }),
    buildContext: (base) => ({ ...base, loaders: createLoaders(store), payments }),
  });
  const reconciler = new Reconciler(store, payments, provider, log, { unknownOutcomeTtlMs: config.PAYMENT_UNKNOWN_OUTCOME_TTL });
  return { server, models, store, payments, provider, services, reconciler, readiness };
}

export type StartedPaymentService = Started<PaymentService> & { webhookUrl: string };

/** Connects, creates indexes and listens; the webhook URL is PUBLIC_WEBHOOK_URL or this address + /webhooks/psp. */
export async function startPaymentService(config: PaymentConfig, log: Logger): Promise<StartedPaymentService> {
  const started = await startSubgraph({
    mongoUrl: config.MONGODB_URL,
    dbName: config.MONGODB_DB,
    port: config.PORT,
    host: config.HOST,
    build: (conn) => buildPaymentService(conn, config, log),
    models: (service) => allModels(service.models),
  });
  if (!config.PUBLIC_WEBHOOK_URL) {
    const { port } = started.server.httpServer.address() as AddressInfo;
    const host =
      config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
    started.payments.webhookUrl = `http://${host}:${port}${WEBHOOK_PATH}`;
  }
  return Object.assign(started, { webhookUrl: started.payments.webhookUrl });
}

/** The NATS step: streams, the outbox relay, the order.cancelled consumer and a /readyz check. */
export async function attachPaymentEvents(
  service: PaymentService,
  nc: NatsConnection,
  config: PaymentConfig,
  log: Logger,
): Promise<PaymentEvents> {
  const events = await startPaymentEvents(service, { nc, config, log });
  service.readiness.push(natsReadiness(nc));
  return events;
}

/** The reconciler on a timer (every PAYMENT_RECONCILE_INTERVAL); returns its stop function. */
export function startPaymentReconciler(service: PaymentService, config: PaymentConfig, log: Logger): () => Promise<void> {
  return startReconciler(
    service.reconciler,
    { afterMs: config.PAYMENT_RECONCILE_AFTER, intervalMs: config.PAYMENT_RECONCILE_INTERVAL },
    log,
  );
}
