/** What other packages (tests, scripts, benchmarks) may use of the cart service; `index.ts` is the process entry. */
export { loadConfig, type CartConfig } from './config.js';
export { onOrderPlaced, startCartEvents, type CartEvents, type OrderPlacedOutcome } from './events.js';
export { attachCartEvents, cartSubgraph, startCartService, type CartService, type StartedCartService } from './server.js';
export { startCartSweeper } from './sweeper.js';
