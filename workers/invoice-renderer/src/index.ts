import { connectNats, exitWhenConsumersEnd } from '@shop/events';
import { createLogger, onShutdown, runMain } from '@shop/kit';
import { loadConfig } from './config.js';
import { startRenderer } from './worker.js';

runMain('invoice-renderer', async () => {
  const config = loadConfig();
  const log = createLogger('invoice-renderer', config.LOG_LEVEL, config.NODE_ENV === 'development' && process.stdout.isTTY);
  const nc = await connectNats(config.NATS_URL, 'invoice-renderer', log);
  const renderer = await startRenderer(config, nc, log);
  exitWhenConsumersEnd(log, [renderer.consumer]);
  log.info({ health: renderer.health.url, invoiceUrl: config.INVOICE_URL, nats: config.NATS_URL }, 'invoice renderer ready');
  onShutdown(log, [
    ['stop consumer, health server and chromium', () => renderer.stop()],
    ['drain NATS', () => nc.drain()],
  ]);
});
