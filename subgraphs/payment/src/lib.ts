/** What other packages (tests, scripts, benchmarks) may use of the payment service; `index.ts` is the process entry. */
export { loadConfig, type PaymentConfig } from './config.js';
export {
  attachPaymentEvents,
  paymentSubgraph,
  startPaymentReconciler,
  startPaymentService,
  type PaymentService,
  type StartedPaymentService,
} from './server.js';
export type { PaymentEvents } from './events.js';
export type { PaymentProvider } from './provider.js';
