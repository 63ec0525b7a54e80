import { z } from 'zod';
import { httpUrl, logLevel, nodeEnv, parseConfig, port, secret } from '@shop/kit';

/** Plain milliseconds (the variables are named `*_MS`); 0 is allowed, unlike kit's `durationMs`. */
const millis = (fallback: number, min = 0) => z.coerce.number().int().min(min).max(86_400_000).default(fallback);

/** Payment sandbox settings; the only file that reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(
    'payment-sandbox',
    {
      NODE_ENV: nodeEnv,
      LOG_LEVEL: logLevel,
      HOST: z.string().min(1).default('127.0.0.1'),
      PORT: port(4020),
      /** What the payment service sends as `authorization: Bearer <key>`. */
      PSP_API_KEY: secret('dev-only-psp-api-key-change-me', env),
      /** Signs every webhook (HMAC-SHA256); the payment service verifies with the same value. */
      PSP_WEBHOOK_SECRET: secret('dev-only-psp-webhook-secret-change-me', env),
      /** Where webhooks go when a payment does not name its own `webhookUrl`. */
      PSP_WEBHOOK_URL: httpUrl.optional(),
      /** Base of the URLs handed out to browsers (3-D Secure); defaults to the address it listens on. */
      PUBLIC_URL: httpUrl.transform((u) => u.replace(/\/+$/, '')).optional(),
      /** How long `tok_webhook_delayed` holds its webhook back (docs/design.md §4). */
      SANDBOX_WEBHOOK_DELAY_MS: millis(5_000),
      /** How late every answer to a `tok_timeout_then_capture` create call is (the payment is made at once). */
      SANDBOX_SLOW_ANSWER_MS: millis(15_000),
      /** How long a `processing` payment takes to settle. */
      SANDBOX_SETTLE_DELAY_MS: millis(200),
      /** Webhook retries: the n-th retry waits min(base × 2^(n-1), max). */
      SANDBOX_WEBHOOK_RETRY_BASE_MS: millis(1_000, 1),
      SANDBOX_WEBHOOK_RETRY_MAX_MS: millis(300_000, 1),
      /** Deliveries of one event before it is logged as dropped. */
      SANDBOX_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(20),
      /** Time one delivery may take before it counts as failed. */
      SANDBOX_WEBHOOK_TIMEOUT_MS: millis(10_000, 1),
      /**
       * Where the books (payments, refunds, idempotency keys) are kept, in `books.json`, so that they
       * survive a restart or a SIGKILL. Unset: in memory, forgotten on exit. Pending webhooks are never kept.
       */
      SANDBOX_STATE_DIR: z.string().trim().min(1).optional(),
    },
    env,
  );
}

export type SandboxConfig = ReturnType<typeof loadConfig>;
