import { connectNats, exitWhenConsumersEnd } from '@shop/events';
import { createLogger, onShutdown, runMain } from '@shop/kit';
import { loadConfig } from './config.js';
import { attachPaymentEvents, startPaymentReconciler, startPaymentService } from './server.js';

runMain('payment', async () => {
  const config = loadConfig();
  const log = createLogger('payment', config.LOG_LEVEL, config.NODE_ENV === 'development' && process.stdout.isTTY);
  const service = await startPaymentService(config, log);
  const nc = await connectNats(config.NATS_URL, 'payment', log);
  const events = await attachPaymentEvents(service, nc, config, log);
  exitWhenConsumersEnd(log, events.consumers);
  const stopReconciler = startPaymentReconciler(service, config, log);
  log.info(
    { url: service.url, webhookUrl: service.webhookUrl, orderUrl: config.ORDER_URL, psp: config.PSP_URL, nats: config.NATS_URL },
    'payment subgraph ready',
  );
  onShutdown(log, [
    ['stop the reconciler', stopReconciler],
    ['stop consumers, then the outbox relay', () => events.stop()],
    ['drain NATS', () => nc.drain()],
    ['stop intake, finish requests, close MongoDB', service.close],
  ]);
});
