import client, { type Counter, type Gauge, type Histogram } from 'prom-client';
import type { Express } from 'express';

export type { Counter, Gauge, Histogram } from 'prom-client';

/**
 * The process's one Prometheus registry (prom-client), served as `/metrics` next to `/healthz` by
 * `mountHealth`, with prom-client's default Node metrics (event loop lag, heap, GC, handles).
 *
 * Metrics are declared where they are counted, through `counter` / `gauge` / `histogram` below, which
 * return the metric already registered under that name: a test process that builds several services
 * (or one twice) shares them instead of failing on a duplicate registration. Label values must come
 * from bounded sets (subjects, durables, operation names from a registered set, error codes): never ids,
 * user input or free text (`boundedLabel`).
 */
export const metricsRegistry = new client.Registry();
let defaultsOn = false;

/** Turns on the default Node metrics once per process (mountHealth does it). */
export function collectDefaultMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  client.collectDefaultMetrics({ register: metricsRegistry });
}

type Labels<L extends string> = readonly L[];

export function counter<L extends string>(name: string, help: string, labelNames: Labels<L>): Counter<L> {
  const existing = metricsRegistry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new client.Counter({ name, help, labelNames: [...labelNames], registers: [metricsRegistry] });
}

/** `collect` runs at each scrape (values read from elsewhere, e.g. JetStream); only the first declaration's is kept. */
export function gauge<L extends string>(
  name: string,
  help: string,
  labelNames: Labels<L>,
  collect?: (g: Gauge<L>) => Promise<void>,
): Gauge<L> {
  const existing = metricsRegistry.getSingleMetric(name);
  if (existing) return existing as Gauge<L>;
  return new client.Gauge<L>({
    name,
    help,
    labelNames: [...labelNames],
    registers: [metricsRegistry],
    ...(collect
      ? {
          collect(this: Gauge<L>) {
            return collect(this);
          },
        }
      : {}),
  });
}

/** Seconds buckets from 5 ms to 30 s (GraphQL operations, handlers, provider calls, renders). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function histogram<L extends string>(name: string, help: string, labelNames: Labels<L>, buckets = LATENCY_BUCKETS): Histogram<L> {
  const existing = metricsRegistry.getSingleMetric(name);
  if (existing) return existing as Histogram<L>;
  return new client.Histogram({ name, help, labelNames: [...labelNames], buckets, registers: [metricsRegistry] });
}

/** Seconds since `start` (a `process.hrtime.bigint()` reading). */
export const secondsSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

/** `value` if it is one of `allowed`, else `other`: how a label stays bounded whatever a client sends. */
export function boundedLabel(value: string | null | undefined, allowed: ReadonlySet<string>, other = 'other'): string {
  return value != null && allowed.has(value) ? value : other;
}

/** Mounts `GET /metrics` (Prometheus text format) on a process's health server. */
export function mountMetrics(app: Express): void {
  collectDefaultMetrics();
  app.get('/metrics', (_req, res, next) => {
    metricsRegistry.metrics().then((text) => {
      res.setHeader('content-type', metricsRegistry.contentType);
      res.send(text);
    }, next);
  });
}

const dependencyLatency = histogram(
  'shop_dependency_duration_seconds',
  'Calls to third parties (payment/SMS provider, SMTP), one per attempt',
  ['dependency', 'operation'],
);
const dependencyFailures = counter(
  'shop_dependency_failures_total',
  'Calls to third parties that failed: unreachable, timed out, 5xx, SMTP refusal',
  ['dependency', 'operation'],
);

/**
 * Measures one call to a third party. `dependency` and `operation` are fixed by the adapter's code
 * (`payment-provider`, `POST /v1/payments`), never built from data. A call that throws counts as a
 * failure; `failed` marks an answer that is one (a 5xx the adapter returns instead of throwing).
 */
export async function dependencyCall<T>(
  dependency: string,
  operation: string,
  call: () => Promise<T>,
  failed?: (result: T) => boolean,
): Promise<T> {
  const labels = { dependency, operation };
  const start = process.hrtime.bigint();
  try {
    const result = await call();
    if (failed?.(result)) dependencyFailures.inc(labels);
    return result;
  } catch (err) {
    dependencyFailures.inc(labels);
    throw err;
  } finally {
    dependencyLatency.observe(labels, secondsSince(start));
  }
}
