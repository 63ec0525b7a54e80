// First: the tracing bootstrap wraps http, undici and mongodb before anything loads them (no-op when off).
import '@shop/kit/tracing';
import { runService } from '@shop/events';
import { loadConfig } from './config.js';
import { startMessaging } from './worker.js';

runService({
  name: 'messaging',
  label: 'messaging worker',
  loadConfig,
  start: async ({ config, log, nats }) => {
    const worker = await startMessaging(config, await nats(), log);
    return {
      consumers: worker.consumers,
      ready: {
        health: worker.url,
        smtp: config.SMTP_URL.replace(/\/\/[^@/]*@/, '//***@'),
        sms: config.SMS_OUTBOX_DIR ? `folder ${config.SMS_OUTBOX_DIR}` : config.SMS_URL,
      },
      stop: [['stop consumers, finish sends in flight, close SMTP and MongoDB', () => worker.close()]],
    };
  },
});
