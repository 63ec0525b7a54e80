/**
 * What other packages may use of the payment sandbox: tests start it in-process and read its books.
 * The contract it implements (wire types, webhook signatures) is the payment service's, imported from
 * `@shop/payment/provider`. `index.ts` is the process entry.
 */
export { loadConfig, type SandboxConfig } from './config.js';
export { buildSandbox, startSandbox, type RunningSandbox, type Sandbox } from './server.js';
export { TEST_TOKENS, type TestToken } from './tokens.js';
export type { ChargeSummary } from './payments.js';
export type { DeliveryRecord } from './webhooks.js';
