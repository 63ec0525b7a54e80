/**
 * What other packages may use of the payment sandbox: tests start it in-process, the payment service
 * imports the wire types and `verifyWebhookSignature`. `index.ts` is the process entry.
 */
export { loadConfig, type SandboxConfig } from './config.js';
export { buildSandbox, startSandbox, type RunningSandbox, type Sandbox } from './server.js';
export {
  DEFAULT_TOLERANCE_SECONDS,
  DELIVERY_ATTEMPT_HEADER,
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  signWebhookPayload,
  verifyWebhookSignature,
  type WebhookVerification,
} from './signature.js';
export { TEST_TOKENS, type TestToken } from './tokens.js';
export type { ChargeSummary } from './payments.js';
export type { DeliveryRecord } from './webhooks.js';
export type * from './types.js';
