import { createLogger, onShutdown, runMain } from '@shop/kit';
import { loadConfig } from './config.js';
import { startSandbox } from './server.js';

runMain('sms-sandbox', async () => {
  const config = loadConfig();
  const log = createLogger('sms-sandbox', config.LOG_LEVEL, config.NODE_ENV === 'development' && process.stdout.isTTY);
  const running = await startSandbox(config, log);
  // Handlers before the ready line: a SIGTERM sent on seeing it must find them.
  onShutdown(log, [['stop intake, finish requests', running.close]]);
  log.info(
    {
      url: running.url,
      testRoutes: config.NODE_ENV !== 'production',
      messages: `${running.url}/v1/test/messages`,
      stateDir: config.SANDBOX_STATE_DIR ?? null,
    },
    config.SANDBOX_STATE_DIR === undefined
      ? 'sms sandbox ready (state is in memory: a restart forgets every message)'
      : 'sms sandbox ready (the messages sent are kept in SANDBOX_STATE_DIR)',
  );
});
