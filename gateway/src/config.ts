import { z } from 'zod';
import { commonConfig, durationMs, parseConfig, secret } from '@shop/kit';

const url = z.url({ protocol: /^https?$/ }).optional();

/** Gateway settings; the only file that reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(
    'gateway',
    {
      ...commonConfig(4000, env),
      JWT_SECRET: secret('dev-only-jwt-secret-change-me-please', env),
      /** Subgraph URL overrides; the committed supergraph holds the local defaults. */
      PRODUCT_URL: url,
      CART_URL: url,
      ORDER_URL: url,
      PAYMENT_URL: url,
      /** The invoice subgraph (also where signed PDF links are fetched from, signed as service:gateway). */
      INVOICE_URL: url,
      /** Shared with the invoice service, which signs `pdfUrl` with it (ARCHITECTURE §7). */
      PDF_LINK_SECRET: secret('dev-only-pdf-link-secret-change-me', env),
      SUPERGRAPH_PATH: z.string().optional(),
      CORS_ORIGINS: z
        .string()
        .default('')
        .transform((v) =>
          v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      MAX_SUBGRAPH_SOCKETS: z.coerce.number().int().min(1).max(1_000).default(50),
      SUBGRAPH_TIMEOUT_MS: durationMs(10_000),
      MAX_BODY_BYTES: z.coerce.number().int().min(1_024).max(50_000_000).default(1_000_000),
      APOLLO_TELEMETRY_DISABLED: z.literal('1', { message: 'must be 1: the gateway never reports telemetry' }),
    },
    env,
  );
}

export type GatewayConfig = ReturnType<typeof loadConfig>;

/** Per-subgraph URL overrides from the environment (PRODUCT_URL, CART_URL, ORDER_URL, …). */
export function subgraphUrlOverrides(config: GatewayConfig): Record<string, string | undefined> {
  return {
    product: config.PRODUCT_URL,
    cart: config.CART_URL,
    order: config.ORDER_URL,
    payment: config.PAYMENT_URL,
    invoice: config.INVOICE_URL,
  };
}
