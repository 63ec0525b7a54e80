import { z } from 'zod';
import {
  commonConfig,
  duration,
  mongoConfig,
  parseConfig,
  requireReservationOutlivesPayment,
  reservationTimingConfig,
  signerKeys,
} from '@shop/kit';
import { eventsConfig } from '@shop/events';

/** Product service settings; the only file that reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = parseConfig(
    'product',
    {
      ...commonConfig(4001),
      /** Public keys of the signers whose contexts this service accepts, by name. */
      SIGNER_KEYS: signerKeys(env),
      /** NATS and the consumers' retry policy: used only by the event step (src/events.ts). */
      ...eventsConfig,
      ...mongoConfig('shop_product'),
      STORE_CURRENCY: z
        .string()
        .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code')
        .default('USD'),
      LOW_STOCK_THRESHOLD: z.coerce.number().int().min(0).max(1_000_000).default(5),
      /** RESERVATION_TTL, and what it must outlive (ORDER_PAYMENT_TIMEOUT + RESERVATION_TTL_MARGIN). */
      ...reservationTimingConfig,
      RESERVATION_SWEEP_INTERVAL: duration('30s'),
    },
    env,
  );
  return requireReservationOutlivesPayment('product', config);
}

export type ProductConfig = ReturnType<typeof loadConfig>;
