import { connectNats } from '@shop/events';
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
  let stopping = false;
  void worker.failed.then((subject) => {
    if (stopping) return;
    log.fatal({ subject }, 'a consumer stopped on its own; exiting');
    process.exit(1);
  });
  onShutdown(log, [
    [
      'stop consumers, finish sends in flight, close SMTP and MongoDB',
      () => {
        stopping = true;
        return worker.close();
      },
    ],
    ['drain NATS', () => nc.drain()],
  ]);
});
