/**
 * A trace from Jaeger's query API (`/api/traces/<id>`, `/api/traces?…`) as an indented waterfall:
 * service, span, start offset from the trace's first span, duration, and the error of a failed span;
 * and a purchase that took several traces as one waterfall of them (`purchaseWaterfall`).
 */
import { z } from 'zod';

const tag = z.object({ key: z.string(), value: z.unknown() });
const span = z.object({
  traceID: z.string(),
  spanID: z.string(),
  operationName: z.string(),
  references: z.array(z.object({ refType: z.string(), spanID: z.string() })).default([]),
  startTime: z.number(),
  duration: z.number(),
  tags: z.array(tag).default([]),
  processID: z.string(),
});
export const jaegerTraces = z.object({
  data: z.array(
    z.object({ traceID: z.string(), spans: z.array(span), processes: z.record(z.string(), z.object({ serviceName: z.string() })) }),
  ),
});
export type JaegerTrace = z.infer<typeof jaegerTraces>['data'][number];

const ms = (us: number) => `${(us / 1_000).toFixed(1)} ms`;

const startOf = (trace: JaegerTrace) => Math.min(...trace.spans.map((s) => s.startTime));

/** One trace; offsets count from `t0` (default: the trace's first span). */
export function waterfall(trace: JaegerTrace, t0 = startOf(trace)): string {
  const ids = new Set(trace.spans.map((s) => s.spanID));
  const parentOf = (s: JaegerTrace['spans'][number]) => s.references.find((r) => r.refType === 'CHILD_OF' && ids.has(r.spanID))?.spanID;
  const children = new Map<string | undefined, JaegerTrace['spans']>();
  for (const s of trace.spans) children.set(parentOf(s), [...(children.get(parentOf(s)) ?? []), s]);
  const lines = [`trace ${trace.traceID}: ${trace.spans.length} spans`];
  const walk = (parent: string | undefined, depth: number) => {
    for (const s of (children.get(parent) ?? []).sort((a, b) => a.startTime - b.startTime)) {
      const tags = Object.fromEntries(s.tags.map((t) => [t.key, t.value]));
      const error = tags.error === true || tags['otel.status_code'] === 'ERROR';
      const description = tags['otel.status_description'];
      const why = error ? `  ERROR ${typeof description === 'string' ? description : ''}`.trimEnd() : '';
      const service = trace.processes[s.processID]?.serviceName ?? '?';
      lines.push(`${'  '.repeat(depth)}${service}: ${s.operationName}  +${ms(s.startTime - t0)}  ${ms(s.duration)}${why}`);
      walk(s.spanID, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
}

/**
 * Every trace of one order, oldest first, as one waterfall whose offsets count from the purchase's first
 * span. A client that sends one `traceparent` with all its operations makes a purchase one trace; one that
 * does not (Apollo Sandbox, GraphiQL, curl) makes each operation a trace of its own (docs/design.md §11):
 * checkout in one, the payment and everything after it (order.paid, the invoice, the render, the email)
 * in the next. Both carry the order number, so the purchase is read whole either way.
 */
export function purchaseWaterfall(orderNumber: string, traces: JaegerTrace[]): string {
  const sorted = [...traces].sort((a, b) => startOf(a) - startOf(b));
  if (sorted.length === 1) return waterfall(sorted[0]!);
  const t0 = startOf(sorted[0]!);
  const spans = sorted.reduce((n, t) => n + t.spans.length, 0);
  return [
    `order ${orderNumber}: ${sorted.length} traces, ${spans} spans (its operations were sent without one traceparent; offsets count from the first)`,
    ...sorted.map((t) => waterfall(t, t0)),
  ].join('\n');
}
