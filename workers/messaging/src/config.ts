import { z } from 'zod';
import { commonConfig, durationMs, httpUrl, mongoConfig, parseConfig, secret, signingKey } from '@shop/kit';
import { eventsConfig } from '@shop/events';

/** Messaging worker settings; the only file that reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(
    'messaging',
    {
      // PORT serves /healthz and /readyz only (docs/design.md §8).
      ...commonConfig(4010),
      /** Signs this service's calls to others as `service:messaging` (docs/design.md §7). */
      SIGNING_KEY: signingKey('messaging', env),
      ...eventsConfig,
      ...mongoConfig('shop_messaging'),
      /** The mail server: smtp://host:port (plain, STARTTLS when offered) or smtps://, credentials in the URL. */
      SMTP_URL: z
        .string()
        .regex(/^smtps?:\/\/\S+$/, 'must be an smtp:// or smtps:// URL')
        .default('smtp://127.0.0.1:1025'),
      /** The sender of every email. */
      MAIL_FROM: z.string().min(3).default('Shop <no-reply@shop.localhost>'),
      /** Time one SMTP conversation or SMS request may take before it counts as a transient failure. */
      SEND_TIMEOUT_MS: durationMs(15_000),
      /** The SMS provider (the SMS sandbox in development and tests). */
      SMS_URL: httpUrl.transform((u) => u.replace(/\/+$/, '')).default('http://127.0.0.1:4021'),
      SMS_API_KEY: secret('dev-only-sms-api-key-change-me', env),
      /** Development transport: when set, SMS are written as JSON files to this folder instead of SMS_URL. */
      SMS_OUTBOX_DIR: z.string().min(1).optional(),
      /** The order subgraph: contact details for events that carry none (payment.*, invoice.rendered, order.delivered). */
      ORDER_URL: httpUrl.default('http://127.0.0.1:4003/graphql'),
      /** The invoice service: `GET /internal/invoices/:id/pdf` for the invoice email's attachment. */
      INVOICE_URL: httpUrl.transform((u) => u.replace(/\/+$/, '')).default('http://127.0.0.1:4005'),
      SERVICE_TIMEOUT_MS: durationMs(10_000),
      /** Ack wait of the consumers: how soon a message whose worker died is delivered again (sends in progress are kept alive). */
      ACK_WAIT_MS: durationMs(30_000),
      /** Handlers running at once per event type. */
      CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
      /** Shown in templates. */
      STORE_NAME: z.string().min(1).max(60).default('Shop'),
    },
    env,
  );
}

export type MessagingConfig = ReturnType<typeof loadConfig>;
