import { z } from 'zod';
import { duration, durationMs, httpUrl, parseConfig } from '@shop/kit';
import { subgraphConfig } from '@shop/events';

/** Cart service settings; the only file that reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(
    'cart',
    {
      ...subgraphConfig('cart', 4002, env),
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
