/** What other packages (tests, scripts, benchmarks) may use of the order service; `index.ts` is the process entry. */
export { loadConfig, type OrderConfig } from './config.js';
export {
  attachOrderEvents,
  orderSubgraph,
  startOrderService,
  startOrderSweeper,
  type OrderService,
  type StartedOrderService,
} from './server.js';
export type { OrderEvents } from './events.js';
export { OrderStore, type PlaceResult } from './store.js';
export { allModels, createModels, type OrderDoc, type OrderModels } from './model.js';
