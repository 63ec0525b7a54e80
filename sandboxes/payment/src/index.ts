import { createLogger, onShutdown, runMain } from '@shop/kit';
import { loadConfig } from './config.js';
import { startSandbox } from './server.js';

runMain('payment-sandbox', async () => {
  const config = loadConfig();
  const log = createLogger('payment-sandbox', config.LOG_LEVEL, config.NODE_ENV === 'development' && process.stdout.isTTY);
  const running = await startSandbox(config, log);
  // Handlers before the ready line: a SIGTERM sent on seeing it must find them.
  // Pending webhooks are forgotten on exit; the books are already on disk when SANDBOX_STATE_DIR is set.
  onShutdown(log, [['stop intake, cancel settlements and webhook retries', running.close]]);
  log.info(
    {
      url: running.url,
      publicUrl: running.publicUrl,
      webhookUrl: config.PSP_WEBHOOK_URL ?? null,
      testRoutes: config.NODE_ENV !== 'production',
      stateDir: config.SANDBOX_STATE_DIR ?? null,
    },
    config.SANDBOX_STATE_DIR === undefined
      ? 'payment sandbox ready (state is in memory: a restart forgets every payment)'
      : 'payment sandbox ready (payments, refunds and idempotency keys are kept in SANDBOX_STATE_DIR; webhooks pending at a restart are dropped: merchants reconcile with GET /v1/payments?reference=)',
  );
});
