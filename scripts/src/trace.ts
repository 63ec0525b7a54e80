/**
 * `npm run trace -- <order number | trace id>`: prints the trace of a purchase from Jaeger's query API
 * (JAEGER_URL, default http://127.0.0.1:16686) as an indented waterfall. An order number is found by the
 * `shop.order.number` attribute the order subgraph puts on its checkout span (docs/design.md §11).
 */
import { jaegerTraces, waterfall } from './trace-waterfall.js';

const arg = process.argv.slice(2).find((a) => a !== '--') ?? '';
const base = (process.env.JAEGER_URL ?? 'http://127.0.0.1:16686').replace(/\/$/, '');
const usage = 'usage: npm run trace -- <order number (SO-2026-000001) | trace id (32 hex digits)>';
if (!/^[0-9a-f]{32}$/i.test(arg) && !/^[A-Z]{2,4}-\d{4}-\d{1,12}$/.test(arg)) {
  process.stderr.write(`${usage}\n`);
  process.exit(2);
}
const url = /^[0-9a-f]{32}$/i.test(arg)
  ? `${base}/api/traces/${arg.toLowerCase()}`
  : `${base}/api/traces?service=order&limit=5&lookback=7d&tags=${encodeURIComponent(JSON.stringify({ 'shop.order.number': arg }))}`;
let res: Response;
try {
  res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
} catch (err) {
  process.stderr.write(
    `no Jaeger at ${base} (${err instanceof Error ? err.message : String(err)}).\n` +
      'Start one: `docker compose up -d jaeger` (UI and API on 16686, OTLP on 4318), then run the system with\n' +
      '`OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 npm start`; or point JAEGER_URL at a running Jaeger.\n',
  );
  process.exit(1);
}
if (res.status === 404) {
  process.stderr.write(`no trace ${arg} in Jaeger at ${base}\n`);
  process.exit(1);
}
if (!res.ok) {
  process.stderr.write(`Jaeger answered HTTP ${res.status} for ${url}\n`);
  process.exit(1);
}
const traces = jaegerTraces.parse(await res.json()).data;
if (traces.length === 0) {
  process.stderr.write(`no trace with shop.order.number=${arg} in Jaeger at ${base} (is tracing on: OTEL_EXPORTER_OTLP_ENDPOINT?)\n`);
  process.exit(1);
}
for (const t of traces) process.stdout.write(`${waterfall(t)}\n`);
