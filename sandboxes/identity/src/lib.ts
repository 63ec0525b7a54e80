/**
 * What other packages may use of the identity sandbox: tests start it in-process, scripts mint
 * development tokens from it. `index.ts` is the process entry.
 */
export { loadConfig, type SandboxConfig } from './config.js';
export { startSandbox, type RunningSandbox } from './server.js';
export { mintDevToken, DEFAULT_IDENTITY_URL } from './client.js';
export { subjectOf } from './accounts.js';
export { CLIENT_ID, DEFAULT_REDIRECT_URI, DEFAULT_POST_LOGOUT_REDIRECT_URI } from './provider.js';
