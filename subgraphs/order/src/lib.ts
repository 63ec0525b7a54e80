/** What other packages (tests, scripts, benchmarks) may use of the order service; `index.ts` is the process entry. */
export { loadConfig, type OrderConfig } from './config.js';
export {
  attachOrderEvents,
  buildOrderService,
  orderSubgraph,
  startOrderService,
  startOrderSweeper,
  typeDefs,
  type OrderService,
  type StartedOrderService,
} from './server.js';
export type { OrderEvents } from './events.js';
