/** What other packages (tests, scripts) may use of the gateway; `index.ts` is the process entry. */
export { loadConfig, type GatewayConfig } from './config.js';
export { buildGateway, type Gateway } from './server.js';
export { callerFromAuthorization, signDevToken } from './auth.js';
