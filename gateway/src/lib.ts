/** What other packages (tests, scripts) may use of the gateway; `index.ts` is the process entry. */
export { loadConfig, type GatewayConfig } from './config.js';
export { buildGateway, type Gateway, type GatewayOptions } from './server.js';
export { createAuthenticator, signDevToken } from './auth.js';
export { API_KEY_HEADER } from './edge.js';
export { subgraphHeaders } from './datasource.js';
export type { GatewayContext } from './context.js';
export type { SharingStats } from './sharing.js';
export { invoicePdfRoute } from './invoice-pdf.js';
export { queryLimits } from './limits.js';
export {
  DEFAULT_MANIFEST,
  loadSafelist,
  manifestSchema,
  type Manifest,
  type PersistedOperation,
  type Safelist,
} from './partners/manifest.js';
export {
  addPartner,
  listPartners,
  partnerModels,
  PartnerError,
  revokePartner,
  usageReport,
  type PartnerModels,
  type UsageRow,
} from './partners/registry.js';
