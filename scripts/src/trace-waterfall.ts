/**
 * A trace from Jaeger's query API (`/api/traces/<id>`, `/api/traces?…`) as an indented waterfall:
 * service, span, start offset from the trace's first span, duration, and the error of a failed span.
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

export function waterfall(trace: JaegerTrace): string {
  const ids = new Set(trace.spans.map((s) => s.spanID));
  const parentOf = (s: JaegerTrace['spans'][number]) => s.references.find((r) => r.refType === 'CHILD_OF' && ids.has(r.spanID))?.spanID;
  const children = new Map<string | undefined, JaegerTrace['spans']>();
  for (const s of trace.spans) children.set(parentOf(s), [...(children.get(parentOf(s)) ?? []), s]);
  const t0 = Math.min(...trace.spans.map((s) => s.startTime));
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
