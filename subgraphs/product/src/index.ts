import { connectNats, exitWhenConsumersEnd } from '@shop/events';
import { createLogger, onShutdown, runMain } from '@shop/kit';
import { loadConfig } from './config.js';
import { startProductEvents } from './events.js';
import { startProductService } from './server.js';
import { startReservationSweeper } from './sweeper.js';

runMain('product', async () => {
  const config = loadConfig();
  const log = createLogger('product', config.LOG_LEVEL, config.NODE_ENV === 'development' && process.stdout.isTTY);
  const service = await startProductService(config, log);
  const stopSweeper = startReservationSweeper(service.reservations, config.RESERVATION_TTL, config.RESERVATION_SWEEP_INTERVAL, log);
  const nc = await connectNats(config.NATS_URL, 'product', log);
  const events = await startProductEvents(service, { nc, config, log });
  exitWhenConsumersEnd(log, events.consumers);
  log.info({ url: service.url, nats: config.NATS_URL }, 'product subgraph ready');
  onShutdown(log, [
    ['stop sweeper', stopSweeper],
    ['stop consumers', () => events.stop()],
    ['drain NATS', () => nc.drain()],
    ['stop intake, finish requests, close MongoDB', service.close],
  ]);
});
