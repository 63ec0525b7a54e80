import { createLogger, onShutdown, runMain } from '@shop/kit';
import { loadConfig } from './config.js';
import { startSandbox } from './server.js';

runMain('identity-sandbox', async () => {
  const config = loadConfig();
  const log = createLogger('identity-sandbox', config.LOG_LEVEL, config.NODE_ENV === 'development' && process.stdout.isTTY);
  const running = await startSandbox(config, log);
  // Handlers before the ready line: a SIGTERM sent on seeing it must find them.
  onShutdown(log, [['stop intake, finish requests', running.close]]);
  log.info(
    {
      url: running.url,
      issuer: running.issuer,
      discovery: `${running.issuer}/.well-known/openid-configuration`,
      mintRoute: config.NODE_ENV !== 'production',
      stateDir: config.SANDBOX_STATE_DIR ?? null,
      keys: running.keys.list().map((k) => k.kid),
    },
    config.SANDBOX_STATE_DIR === undefined
      ? 'identity sandbox ready (keys are in memory: a restart invalidates every token)'
      : 'identity sandbox ready (keys and accounts are kept in SANDBOX_STATE_DIR)',
  );
});
