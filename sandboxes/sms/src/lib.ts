/**
 * What other packages may use of the SMS sandbox: tests start it in-process, the messaging worker's HTTP
 * adapter codes against the wire types. `index.ts` is the process entry.
 */
export { loadConfig, type SandboxConfig } from './config.js';
export { buildSandbox, startSandbox, type RunningSandbox, type Sandbox } from './server.js';
export { E164 } from './api.js';
export { TEST_NUMBERS } from './messages.js';
export type * from './types.js';
