import { connectNats, exitWhenConsumersEnd } from '@shop/events';
import { createLogger, onShutdown, runMain } from '@shop/kit';
import { loadConfig } from './config.js';
import { startMessaging } from './worker.js';

runMain('messaging', async () => {
  const config = loadConfig();
  const log = createLogger('messaging', config.LOG_LEVEL, config.NODE_ENV === 'development' && process.stdout.isTTY);
  const nc = await connectNats(config.NATS_URL, 'messaging', log);
  const worker = await startMessaging(config, nc, log);
  log.info(
    {
      health: worker.url,
      smtp: config.SMTP_URL.replace(/\/\/[^@/]*@/, '//***@'),
      sms: config.SMS_OUTBOX_DIR ? `folder ${config.SMS_OUTBOX_DIR}` : config.SMS_URL,
      nats: config.NATS_URL,
    },
    'messaging worker ready',
  );
  exitWhenConsumersEnd(log, worker.consumers);
  onShutdown(log, [
    ['stop consumers, finish sends in flight, close SMTP and MongoDB', () => worker.close()],
    ['drain NATS', () => nc.drain()],
  ]);
});
