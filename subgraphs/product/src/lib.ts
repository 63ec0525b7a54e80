/** What other packages (tests, scripts) may use of the product service; `index.ts` is the process entry. */
export { loadConfig, type ProductConfig } from './config.js';
export { attachProductEvents, productSubgraph, startProductService, type ProductService, type StartedProductService } from './server.js';
export { startReservationSweeper } from './sweeper.js';
export type { ProductEvents } from './events.js';
export { buildListingModel } from './listing-feed.js';
