import type { AddressInfo } from 'node:net';
import { defineSubgraph, type EventsContext, type SubgraphBase } from '@shop/events';
import type { Logger, Started } from '@shop/kit';
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

export interface PaymentService extends SubgraphBase {
  models: PaymentModels;
  store: PaymentStore;
  payments: Payments;
  provider: PaymentProvider;
  /** The order read and the stock hold, signed as service:payment. */
  services: Services;
  /** Looks up payments left in flight at the provider (`startPaymentReconciler` runs it on a timer). */
  reconciler: Reconciler;
}

/** The reconciler on a timer (every PAYMENT_RECONCILE_INTERVAL); returns its stop function. */
export function startPaymentReconciler(
  service: Pick<PaymentService, 'reconciler'>,
  config: PaymentConfig,
  log: Logger,
): () => Promise<void> {
  return startReconciler(
    service.reconciler,
    { afterMs: config.PAYMENT_RECONCILE_AFTER, intervalMs: config.PAYMENT_RECONCILE_INTERVAL },
    log,
  );
}

/**
 * The payment subgraph: GraphQL and the provider's webhook route over its database; the NATS step starts
 * the outbox relay and the `order.cancelled` consumer; the reconciler looks up payments left in flight.
 */
export const paymentSubgraph = defineSubgraph({
  name: 'payment',
  schema: new URL('../src/schema.graphql', import.meta.url),
  resolvers,
  parts: (conn, config: PaymentConfig, log): Omit<PaymentService, keyof SubgraphBase> => {
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
    const reconciler = new Reconciler(store, payments, provider, log, { unknownOutcomeTtlMs: config.PAYMENT_UNKNOWN_OUTCOME_TTL });
    return { models, store, payments, provider, services, reconciler };
  },
  models: (parts) => allModels(parts.models),
  routes: (parts, config, log) =>
    webhookRoutes({ secret: config.PSP_WEBHOOK_SECRET, toleranceSeconds: config.WEBHOOK_TOLERANCE_SECONDS, payments: parts.payments, log }),
  context: (parts, base): PaymentContext => ({ ...base, loaders: createLoaders(parts.store), payments: parts.payments }),
  // Without PUBLIC_WEBHOOK_URL the provider calls this address + /webhooks/psp.
  listening: (service, config) => {
    if (config.PUBLIC_WEBHOOK_URL) return;
    const { port } = service.server.httpServer.address() as AddressInfo;
    const host =
      config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
    service.payments.webhookUrl = `http://${host}:${port}${WEBHOOK_PATH}`;
  },
  events: (service, o: EventsContext<PaymentConfig>): Promise<PaymentEvents> => startPaymentEvents(service, o),
  background: (service, config, log) => [['stop the reconciler', startPaymentReconciler(service, config, log)]],
  ready: (service, config) => ({ webhookUrl: service.payments.webhookUrl, orderUrl: config.ORDER_URL, psp: config.PSP_URL }),
});

type PaymentSubgraph = typeof paymentSubgraph;
export const attachPaymentEvents: PaymentSubgraph['attach'] = paymentSubgraph.attach;

export type StartedPaymentService = Started<PaymentService> & { webhookUrl: string };

/** Connects, creates indexes and listens; the webhook URL is PUBLIC_WEBHOOK_URL or this address + /webhooks/psp. */
export async function startPaymentService(config: PaymentConfig, log: Logger): Promise<StartedPaymentService> {
  const started = await paymentSubgraph.start(config, log);
  return Object.assign(started, { webhookUrl: started.payments.webhookUrl });
}
