import { z } from 'zod';
import { duration, durationMs, httpUrl, parseConfig, requireReservationOutlivesPayment, reservationTimingConfig } from '@shop/kit';
import { subgraphConfig } from '@shop/events';

/** Order service settings; the only file that reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = parseConfig(
    'order',
    {
      ...subgraphConfig('order', 4003, env),
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
