import { z } from 'zod';
import {
  commonConfig,
  duration,
  durationMs,
  httpUrl,
  mongoUrl,
  parseConfig,
  requireReservationOutlivesPayment,
  reservationTimingConfig,
  signingKey,
  signerKeys,
} from '@shop/kit';
import { eventsConfig } from '@shop/events';

/** Order service settings; the only file that reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = parseConfig(
    'order',
    {
      ...commonConfig(4003),
      /** Signs this service's calls to others as `service:order` (docs/design.md §7). */
      SIGNING_KEY: signingKey('order', env),
      /** Public keys of the signers whose contexts this service accepts, by name. */
      SIGNER_KEYS: signerKeys(env),
      ...eventsConfig,
      MONGODB_URL: mongoUrl.default('mongodb://127.0.0.1:27017/?directConnection=true'),
      MONGODB_DB: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,60}$/)
        .default('shop_order'),
      /** The cart subgraph: read the cart, mark it CHECKED_OUT (docs/design.md §5). */
      CART_URL: httpUrl.default('http://127.0.0.1:4002/graphql'),
      /** The product subgraph: current products and prices, stock reservations. */
      PRODUCT_URL: httpUrl.default('http://127.0.0.1:4001/graphql'),
      /** Timeout of one call to the cart or product service. */
      SERVICE_TIMEOUT_MS: durationMs(5_000),
      STORE_CURRENCY: z
        .string()
        .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code')
        .default('USD'),
      TAX_RATE_BPS: z.coerce.number().int().min(0).max(100_000).default(2000),
      /** ORDER_PAYMENT_TIMEOUT (unpaid orders are cancelled by the sweeper), and the reservation that must outlive it. */
      ...reservationTimingConfig,
      /** How often the payment-timeout sweeper runs. */
      ORDER_SWEEP_INTERVAL: duration('1m'),
      /** How often the outbox relay looks for unpublished events when nothing kicked it. */
      OUTBOX_INTERVAL: duration('1s'),
    },
    env,
  );
  return requireReservationOutlivesPayment('order', config);
}

export type OrderConfig = ReturnType<typeof loadConfig>;
