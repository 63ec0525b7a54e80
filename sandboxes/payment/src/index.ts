import { createLogger, onShutdown, runMain } from '@shop/kit';
import { loadConfig } from './config.js';
import { startSandbox } from './server.js';

runMain('payment-sandbox', async () => {
  const config = loadConfig();
  const log = createLogger('payment-sandbox', config.LOG_LEVEL, config.NODE_ENV === 'development' && process.stdout.isTTY);
  const running = await startSandbox(config, log);
  log.info(
    {
      url: running.url,
      publicUrl: running.publicUrl,
      webhookUrl: config.PSP_WEBHOOK_URL ?? null,
      testRoutes: config.NODE_ENV !== 'production',
    },
    'payment sandbox ready (state is in memory: a restart forgets every payment)',
  );
  // Pending webhooks are forgotten on exit, like everything else here.
  onShutdown(log, [['stop intake, cancel settlements and webhook retries', running.close]]);
});
