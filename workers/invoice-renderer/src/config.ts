import { z } from 'zod';
import { commonConfig, duration, durationMs, httpUrl, parseConfig, signingKey } from '@shop/kit';
import { eventsConfig } from '@shop/events';

/** Invoice renderer settings; the only file that reads process.env. PORT serves /healthz and /readyz only. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(
    'invoice-renderer',
    {
      ...commonConfig(4011),
      /** Signs this service's calls to others as `service:invoice-renderer` (docs/design.md §7). */
      SIGNING_KEY: signingKey('invoice-renderer', env),
      ...eventsConfig,
      /** The invoice service's base URL (its internal routes live beside /graphql). */
      INVOICE_URL: httpUrl.default('http://127.0.0.1:4005'),
      SERVICE_TIMEOUT_MS: durationMs(10_000),
      /** Long-lived pages, i.e. invoices rendered at once (2 cores: 2). */
      RENDER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
      /** One render (content + PDF) gives up after this long; the page is recreated. */
      RENDER_TIMEOUT: duration('30s'),
      /** A page is closed and recreated after this many jobs. */
      PAGE_RECYCLE_JOBS: z.coerce.number().int().min(1).default(200),
      /** How long a delivery may go unacknowledged before it is redelivered (a crashed worker's jobs come back after it). */
      ACK_WAIT: duration('30s'),
      /** Locale of amounts and dates on the PDF (the currency is the invoice's). */
      RENDER_LOCALE: z.string().min(2).max(20).default('en-US'),
      /** The installed Chromium (Debian's package; the Dockerfile's renderer stage installs it). */
      CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
    },
    env,
  );
}

export type RendererConfig = ReturnType<typeof loadConfig>;
