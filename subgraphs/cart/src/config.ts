import { z } from 'zod';
import { commonConfig, duration, durationMs, httpUrl, mongoUrl, parseConfig, signingKey, signerKeys } from '@shop/kit';
import { eventsConfig } from '@shop/events';

/** Cart service settings; the only file that reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(
    'cart',
    {
      ...commonConfig(4002),
      /** Signs this service's calls to others as `service:cart` (docs/design.md §7). */
      SIGNING_KEY: signingKey('cart', env),
      /** Public keys of the signers whose contexts this service accepts, by name. */
      SIGNER_KEYS: signerKeys(env),
      /** NATS and the consumer's retry policy: used only by the event step (src/events.ts). */
      ...eventsConfig,
      MONGODB_URL: mongoUrl.default('mongodb://127.0.0.1:27017/?directConnection=true'),
      MONGODB_DB: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,60}$/)
        .default('shop_cart'),
      /** The product subgraph, asked for current prices and stock (docs/design.md §5). */
      PRODUCT_URL: httpUrl.default('http://127.0.0.1:4001/graphql'),
      PRODUCT_TIMEOUT_MS: durationMs(5_000),
      STORE_CURRENCY: z
        .string()
        .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code')
        .default('USD'),
      TAX_RATE_BPS: z.coerce.number().int().min(0).max(100_000).default(2000),
      MAX_LINE_QUANTITY: z.coerce.number().int().min(1).max(1_000_000).default(99),
      MAX_CART_LINES: z.coerce.number().int().min(1).max(250).default(100),
      CART_TTL: duration('7d'),
      CART_SWEEP_INTERVAL: duration('1m'),
    },
    env,
  );
}

export type CartConfig = ReturnType<typeof loadConfig>;

/** What the event step reads (src/events.ts). */
export type CartEventsSettings = Pick<CartConfig, 'RETRY_BASE_DELAY_MS' | 'RETRY_MAX_DELAY_MS' | 'RETRY_BUDGET' | 'HANDLER_TIMEOUT'>;

/** The limits the cart rules need (docs/design.md §4). */
export type CartLimits = Pick<CartConfig, 'MAX_LINE_QUANTITY' | 'MAX_CART_LINES' | 'CART_TTL'>;
