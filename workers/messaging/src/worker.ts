import http from 'node:http';
import express from 'express';
import type { NatsConnection } from '@nats-io/transport-node';
import { attachEvents, startServiceConsumers, type RunningConsumer } from '@shop/events';
import { connectMongo, ensureIndexes, isConnected, listen, mountHealth, type Logger, type Readiness } from '@shop/kit';
import type { Model } from 'mongoose';
import type { MessagingConfig } from './config.js';
import { smtpMailer, type Mailer } from './email.js';
import { messagingHandlers } from './handlers/index.js';
import { createNotificationModel, Notifier, type NotificationRecord } from './notifications.js';
import { httpInvoicePdfSource, orderDirectory, type InvoicePdfSource, type OrderDirectory } from './services.js';
import { folderSmsProvider, httpSmsProvider, type SmsProvider } from './sms.js';

/** Adapters a caller (a test) may replace; by default they come from the configuration. */
export interface MessagingOverrides {
  mailer?: Mailer;
  sms?: SmsProvider;
  orders?: OrderDirectory;
  invoices?: InvoicePdfSource;
}

export interface RunningMessaging {
  /** The health server, e.g. http://127.0.0.1:4010 (/healthz, /readyz). */
  url: string;
  notifications: Model<NotificationRecord>;
  /** Their `done` settling on its own is fatal (`runService` in index.ts). */
  consumers: RunningConsumer[];
  /** Stops the consumers (finishing messages in flight), the health server, SMTP and MongoDB. Drain NATS after. */
  close: () => Promise<void>;
}

export function smsProviderFrom(config: MessagingConfig): SmsProvider {
  return config.SMS_OUTBOX_DIR
    ? folderSmsProvider(config.SMS_OUTBOX_DIR)
    : httpSmsProvider({ url: config.SMS_URL, apiKey: config.SMS_API_KEY, timeoutMs: config.SEND_TIMEOUT_MS });
}

/**
 * The worker's composition: notification log in MongoDB, the SMTP and SMS adapters, one durable consumer
 * per subject (`messaging--<event>`), and a health-only HTTP server on PORT.
 */
export async function startMessaging(
  config: MessagingConfig,
  nc: NatsConnection,
  log: Logger,
  overrides: MessagingOverrides = {},
): Promise<RunningMessaging> {
  const conn = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
  const notifications = createNotificationModel(conn);
  await ensureIndexes([notifications as unknown as Model<never>]);

  const mailer = overrides.mailer ?? smtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM, timeoutMs: config.SEND_TIMEOUT_MS });
  const notifier = new Notifier(notifications, mailer, overrides.sms ?? smsProviderFrom(config), log);
  const handlers = messagingHandlers({
    notifier,
    orders: overrides.orders ?? orderDirectory({ url: config.ORDER_URL, signer: config.SIGNING_KEY, timeoutMs: config.SERVICE_TIMEOUT_MS }),
    invoices:
      overrides.invoices ??
      httpInvoicePdfSource({ url: config.INVOICE_URL, signer: config.SIGNING_KEY, timeoutMs: config.SERVICE_TIMEOUT_MS }),
    templates: { store: config.STORE_NAME },
  });

  let stopping = false;
  const readiness: Readiness[] = [{ name: 'mongo', check: () => isConnected(conn) }];
  let consumers: RunningConsumer[];
  try {
    consumers = await attachEvents(
      nc,
      readiness,
      () =>
        startServiceConsumers('messaging', { nc, config, log, concurrency: config.CONCURRENCY, ackWaitMs: config.ACK_WAIT_MS }, handlers),
      { streamReplicas: config.NATS_STREAM_REPLICAS },
    );
  } catch (err) {
    await conn.close();
    throw err;
  }

  const app = express();
  app.disable('x-powered-by');
  mountHealth(app, [...readiness, { name: 'consumers', check: () => !stopping }]);
  const server = await listen(http.createServer(app), config.PORT, config.HOST);

  return {
    url: server.url,
    notifications,
    consumers,
    close: async () => {
      stopping = true;
      await Promise.allSettled(consumers.map((c) => c.stop()));
      await server.close();
      mailer.close();
      await conn.close();
    },
  };
}
