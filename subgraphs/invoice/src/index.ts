import { connectNats, exitWhenConsumersEnd } from '@shop/events';
import { createLogger, onShutdown, runMain } from '@shop/kit';
import { loadConfig } from './config.js';
import { attachInvoiceEvents, startInvoiceService } from './server.js';

runMain('invoice', async () => {
  const config = loadConfig();
  const log = createLogger('invoice', config.LOG_LEVEL, config.NODE_ENV === 'development' && process.stdout.isTTY);
  const service = await startInvoiceService(config, log);
  const nc = await connectNats(config.NATS_URL, 'invoice', log);
  const events = await attachInvoiceEvents(service, nc, config, log);
  exitWhenConsumersEnd(log, events.consumers);
  log.info({ url: service.url, orderUrl: config.ORDER_URL, nats: config.NATS_URL }, 'invoice subgraph ready');
  onShutdown(log, [
    ['stop consumer, then the outbox relay', () => events.stop()],
    ['drain NATS', () => nc.drain()],
    ['stop intake, finish requests, close MongoDB', service.close],
  ]);
});
