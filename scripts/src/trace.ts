/**
 * `npm run trace -- <order number | trace id>`: prints the trace of a purchase from Jaeger's query API
 * (JAEGER_URL; else the Jaeger a running `SHOP_TRACING=jaeger npm start` recorded in .cache/dev/running.json;
 * else http://127.0.0.1:16686) as an indented waterfall. An order number is found by the
 * `shop.order.number` attribute the order subgraph puts on its checkout span and on its handling of the
 * payment (docs/design.md §11): a purchase whose operations came without one `traceparent` (Sandbox,
 * GraphiQL) is two traces, printed together as one waterfall.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { STATE_DIR } from '@shop/harness';
import { jaegerTraces, purchaseWaterfall, waterfall } from './trace-waterfall.js';

/** The Jaeger `npm start` recorded, if it runs one. */
function startedJaeger(): string | undefined {
  const running = join(STATE_DIR, 'running.json');
  if (!existsSync(running)) return undefined;
  return z.object({ JAEGER_URL: z.url().optional() }).parse(JSON.parse(readFileSync(running, 'utf8'))).JAEGER_URL;
}

const arg = process.argv.slice(2).find((a) => a !== '--') ?? '';
const base = (process.env.JAEGER_URL || startedJaeger() || 'http://127.0.0.1:16686').replace(/\/$/, '');
const usage = 'usage: npm run trace -- <order number (SO-2026-000001) | trace id (32 hex digits)>';
const isTraceId = /^[0-9a-f]{32}$/i.test(arg);
/** Spans reach Jaeger in batches (OTEL_BSP_SCHEDULE_DELAY, 1 s by default): a purchase made a moment ago may not be there yet. */
const SENT_LATER = 'services send their spans in batches: for a purchase made just now, try again in a moment';
if (!isTraceId && !/^[A-Z]{2,4}-\d{4}-\d{1,12}$/.test(arg)) {
  process.stderr.write(`${usage}\n`);
  process.exit(2);
}
const url = isTraceId
  ? `${base}/api/traces/${arg.toLowerCase()}`
  : `${base}/api/traces?service=order&limit=5&lookback=7d&tags=${encodeURIComponent(JSON.stringify({ 'shop.order.number': arg }))}`;
let res: Response;
try {
  res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
} catch (err) {
  process.stderr.write(
    `no Jaeger at ${base} (${err instanceof Error ? err.message : String(err)}).\n` +
      'Start the system with one: `SHOP_TRACING=jaeger npm start` (builds Jaeger the first time; this command then finds it),\n' +
      'or `docker compose up` (Jaeger with its UI on 16686), or point JAEGER_URL at a running Jaeger.\n',
  );
  process.exit(1);
}
if (res.status === 404) {
  process.stderr.write(`no trace ${arg} in Jaeger at ${base} (${SENT_LATER})\n`);
  process.exit(1);
}
if (!res.ok) {
  process.stderr.write(`Jaeger answered HTTP ${res.status} for ${url}\n`);
  process.exit(1);
}
const traces = jaegerTraces.parse(await res.json()).data;
if (traces.length === 0) {
  process.stderr.write(
    `no trace with shop.order.number=${arg} in Jaeger at ${base} (is tracing on: OTEL_EXPORTER_OTLP_ENDPOINT? ${SENT_LATER})\n`,
  );
  process.exit(1);
}
process.stdout.write(`${isTraceId ? waterfall(traces[0]!) : purchaseWaterfall(arg, traces)}\n`);
