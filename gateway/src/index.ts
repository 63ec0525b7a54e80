// First: the tracing bootstrap wraps http, undici and mongodb before anything loads them (no-op when off).
import '@shop/kit/tracing';
import { createLogger, onShutdown, runMain } from '@shop/kit';
import { loadConfig } from './config.js';
import { buildGateway } from './server.js';

// The gateway otherwise probes cloud metadata addresses and reports usage (docs/design.md §8).
process.env.APOLLO_TELEMETRY_DISABLED = '1';

runMain('gateway', async () => {
  const config = loadConfig();
  const log = createLogger('gateway', config.LOG_LEVEL, config.NODE_ENV === 'development' && process.stdout.isTTY);
  const gateway = await buildGateway(config, log);
  const running = await gateway.listen(config.PORT, config.HOST);
  // Handlers before the ready line: a SIGTERM sent on seeing it must find them (see @shop/events runService).
  onShutdown(log, [['stop intake and finish requests', () => running.close()]]);
  log.info({ url: `${running.url}/graphql`, subgraphs: gateway.subgraphs }, 'gateway ready');
});
