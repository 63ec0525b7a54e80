import { connectNats, exitWhenConsumersEnd } from '@shop/events';
import { createLogger, onShutdown, runMain } from '@shop/kit';
import { loadConfig } from './config.js';
import { attachCartEvents, startCartService } from './server.js';
import { startCartSweeper } from './sweeper.js';

runMain('cart', async () => {
  const config = loadConfig();
  const log = createLogger('cart', config.LOG_LEVEL, config.NODE_ENV === 'development' && process.stdout.isTTY);
  const service = await startCartService(config, log);
  const stopSweeper = startCartSweeper(service.carts, service.fetchSnapshots, config.CART_TTL, config.CART_SWEEP_INTERVAL, log);
  const nc = await connectNats(config.NATS_URL, 'cart', log);
  const events = await attachCartEvents(service, nc, config, log);
  exitWhenConsumersEnd(log, events.consumers);
  log.info({ url: service.url, productUrl: config.PRODUCT_URL, nats: config.NATS_URL }, 'cart subgraph ready');
  onShutdown(log, [
    ['stop sweeper', stopSweeper],
    ['stop consumer', () => events.stop()],
    ['drain NATS', () => nc.drain()],
    ['stop intake, finish requests, close MongoDB', service.close],
  ]);
});
