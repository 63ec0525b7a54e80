/**
 * The order stand-in as a process of its own (`ORDERS_FILE`, `PORT`), so an outage test can SIGKILL it
 * and start it again on the same port, as a supervisor restarts the order subgraph.
 */
import { FakeOrders } from './fake-orders.js';

const file = process.env.ORDERS_FILE;
const port = Number(process.env.PORT);
if (!file || !Number.isInteger(port) || port <= 0) throw new Error('ORDERS_FILE and PORT are required');
const orders = await new FakeOrders(file).start(port);
process.stdout.write(`order stub on ${orders.url}\n`);
