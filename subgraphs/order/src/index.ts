import { connectNats, exitWhenConsumersEnd } from '@shop/events';
import { createLogger, onShutdown, runMain } from '@shop/kit';
import { loadConfig } from './config.js';
import { attachOrderEvents, startOrderService, startOrderSweeper } from './server.js';

runMain('order', async () => {
  const config = loadConfig();
  const log = createLogger('order', config.LOG_LEVEL, config.NODE_ENV === 'development' && process.stdout.isTTY);
  const service = await startOrderService(config, log);
  const nc = await connectNats(config.NATS_URL, 'order', log);
  const events = await attachOrderEvents(service, nc, config, log);
  exitWhenConsumersEnd(log, events.consumers);
  const stopSweeper = startOrderSweeper(service, config, log);
  log.info({ url: service.url, cartUrl: config.CART_URL, productUrl: config.PRODUCT_URL, nats: config.NATS_URL }, 'order subgraph ready');
  // Records written by requests still in flight after the relay stopped stay in the outbox: the next start publishes them.
  onShutdown(log, [
    ['stop sweeper', stopSweeper],
    ['stop consumers, then the outbox relay', () => events.stop()],
    ['drain NATS', () => nc.drain()],
    ['stop intake, finish requests, close MongoDB', service.close],
  ]);
});
