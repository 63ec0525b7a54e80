import { z } from 'zod';
import { duration, durationMs, httpUrl, parseConfig, secret } from '@shop/kit';
import { subgraphConfig } from '@shop/events';

/** Payment service settings; the only file that reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(
    'payment',
    {
      ...subgraphConfig('payment', 4004, env),
      /** The order subgraph: amount, status and owner of the order being paid (docs/design.md §5). */
      ORDER_URL: httpUrl.default('http://127.0.0.1:4003/graphql'),
      /** The product subgraph: payOrder confirms the order's stock reservation before charging. */
      PRODUCT_URL: httpUrl.default('http://127.0.0.1:4001/graphql'),
      /** Timeout of one call to the order or product service. */
      SERVICE_TIMEOUT_MS: durationMs(5_000),
      /** The payment provider (the sandbox in development). */
      PSP_URL: httpUrl.transform((u) => u.replace(/\/+$/, '')).default('http://127.0.0.1:4020'),
      /** Sent as `authorization: Bearer <key>`; the sandbox's development default. */
      PSP_API_KEY: secret('dev-only-psp-api-key-change-me', env),
      /** Verifies webhook signatures; the sandbox's development default. */
      PSP_WEBHOOK_SECRET: secret('dev-only-psp-webhook-secret-change-me', env),
      /** Where the provider sends webhooks; default: this service's own address + /webhooks/psp. */
      PUBLIC_WEBHOOK_URL: httpUrl.optional(),
      /** Time limit of one provider call. */
      PSP_TIMEOUT_MS: durationMs(10_000),
      /** Attempts per provider call on a transient failure (503, network), with the same Idempotency-Key. */
      PSP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
      /** Delay before the first retry; doubles on each further one. */
      PSP_RETRY_BASE_MS: durationMs(100),
      /** How far a webhook's timestamp may be from our clock, either way. */
      WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(300),
      /** A payment still PENDING / REQUIRES_ACTION this long after payOrder is looked up at the provider. */
      PAYMENT_RECONCILE_AFTER: duration('2m'),
      /**
       * How long a payment whose create call the provider never answered is looked up at the provider
       * while the provider reports it unsettled (its idempotency keys live about as long).
       */
      PAYMENT_UNKNOWN_OUTCOME_TTL: duration('24h'),
      /** How often the reconciler looks for such payments. */
      PAYMENT_RECONCILE_INTERVAL: duration('1m'),
      /** How often the outbox relay looks for unpublished events when nothing kicked it. */
      OUTBOX_INTERVAL: duration('1s'),
    },
    env,
  );
}

export type PaymentConfig = ReturnType<typeof loadConfig>;
