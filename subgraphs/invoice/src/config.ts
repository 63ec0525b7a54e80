import { z } from 'zod';
import { duration, durationMs, httpUrl, parseConfig, secret } from '@shop/kit';
import { subgraphConfig } from '@shop/events';

const optionalText = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform((v) => (v ? v : null));

/** Invoice service settings; the only file that reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(
    'invoice',
    {
      ...subgraphConfig('invoice', 4005, env),
      /** The order subgraph: the order being invoiced (lines, buyer, totals), read as service:invoice. */
      ORDER_URL: httpUrl.default('http://127.0.0.1:4003/graphql'),
      SERVICE_TIMEOUT_MS: durationMs(5_000),
      /** Must be the rate order used at checkout: invoice recomputes the per-line tax and checks the total. */
      TAX_RATE_BPS: z.coerce.number().int().min(0).max(100_000).default(2000),
      /** The seller printed on every invoice (snapshotted when issued). */
      SELLER_NAME: z.string().trim().min(1).max(200).default('Shop Supergraph Ltd'),
      SELLER_EMAIL: z.email().default('billing@shop.example'),
      SELLER_ADDRESS_LINE1: z.string().trim().min(1).max(200).default('1 Example Street'),
      SELLER_ADDRESS_LINE2: optionalText,
      SELLER_CITY: z.string().trim().min(1).max(100).default('London'),
      SELLER_REGION: optionalText,
      SELLER_POSTAL_CODE: z.string().trim().min(1).max(20).default('EC1A 1AA'),
      SELLER_COUNTRY: z
        .string()
        .regex(/^[A-Z]{2}$/)
        .default('GB'),
      SELLER_TAX_ID: z.string().trim().min(1).max(50).default('GB000000000'),
      /** Where the gateway is reachable by customers: `pdfUrl` points there. */
      PUBLIC_BASE_URL: httpUrl.default('http://127.0.0.1:4000'),
      /** Shared with the gateway, which verifies the links. */
      PDF_LINK_SECRET: secret('dev-only-pdf-link-secret-change-me', env),
      /** How long a `pdfUrl` works (docs/design.md §7). */
      PDF_LINK_TTL: duration('15m'),
      /** Largest PDF the renderer may upload. */
      MAX_PDF_BYTES: z.coerce.number().int().min(1_024).max(15_000_000).default(10_000_000),
      OUTBOX_INTERVAL: duration('1s'),
    },
    env,
  );
}

export type InvoiceConfig = ReturnType<typeof loadConfig>;
