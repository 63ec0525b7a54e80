// First: the tracing bootstrap wraps http, undici and mongodb before anything loads them (no-op when off).
import '@shop/kit/tracing';
import { runService } from '@shop/events';
import { loadConfig } from './config.js';
import { startRenderer } from './worker.js';

runService({
  name: 'invoice-renderer',
  label: 'invoice renderer',
  loadConfig,
  start: async ({ config, log, nats }) => {
    const renderer = await startRenderer(config, await nats(), log);
    return {
      consumers: [renderer.consumer],
      ready: { health: renderer.health.url, invoiceUrl: config.INVOICE_URL },
      stop: [['stop consumer, health server and chromium', () => renderer.stop()]],
    };
  },
});
