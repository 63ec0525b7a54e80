/**
 * Where a trace is sampled (docs/design.md §11, "Cost"): with a parent-based sampler, a process decides a
 * new trace where its request comes in, before any instrumentation runs, and an unsampled trace runs with
 * tracing suppressed, handing "not sampled" on in the traceparent of whatever it calls.
 */
import type { IncomingMessage } from 'node:http';
import { SpanKind, type Context } from '@opentelemetry/api';
import { TraceIdRatioBasedSampler, SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-node';
import { isTraceparent, isUnsampledTraceparent } from './tracing.js';

/**
 * The share of new traces to record, when `OTEL_TRACES_SAMPLER` is one of the parent-based samplers
 * (the default, `parentbased_always_on`, included): the process then decides a root where the request
 * comes in, before any instrumentation runs, and an unsampled trace runs with tracing suppressed
 * (docs/design.md §11, "Cost"). Undefined for any other sampler, which the SDK applies as it stands.
 */
export function rootSamplingRatio(env: NodeJS.ProcessEnv): number | undefined {
  const sampler = env.OTEL_TRACES_SAMPLER?.trim() || 'parentbased_always_on';
  if (sampler === 'parentbased_always_on') return 1;
  if (sampler === 'parentbased_always_off') return 0;
  if (sampler !== 'parentbased_traceidratio') return undefined;
  const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  if (!arg) return 1;
  const ratio = Number(arg);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1)
    throw new Error(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 for parentbased_traceidratio, not "${arg}"`);
  return ratio;
}

/**
 * A root SERVER span got past the incoming-request hook, which already drew it at the ratio: record it.
 * Any other root (a relay pass, a consumer without a parent, a sweeper) is drawn here at the same ratio.
 */
export class DecidedAtTheEdge implements Sampler {
  private readonly ratio: TraceIdRatioBasedSampler;
  constructor(ratio: number) {
    this.ratio = new TraceIdRatioBasedSampler(ratio);
  }
  shouldSample(ctx: Context, traceId: string, _name: string, kind: SpanKind): SamplingResult {
    if (kind === SpanKind.SERVER) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    return this.ratio.shouldSample(ctx, traceId);
  }
  toString(): string {
    return `DecidedAtTheEdge{${this.ratio.toString()}}`;
  }
}

/** Whether undici's request headers (`[name, value, …]`, or raw `name: value\r\n` lines) name `name`. */
export function hasHeader(headers: unknown, name: string): boolean {
  if (Array.isArray(headers)) return headers.some((h, i) => i % 2 === 0 && String(h).toLowerCase() === name);
  return typeof headers === 'string' && new RegExp(`^${name}:`, 'im').test(headers);
}

const HEALTH = /^\/(healthz|readyz|metrics)\b/;

/**
 * Whether an incoming request runs untraced (suppressed): health probes, a request whose parent is not
 * sampled, and a new trace the draw at `ratio` leaves out. `random` is for tests.
 */
export function untracedIncoming(req: Pick<IncomingMessage, 'url' | 'headers'>, ratio: number | undefined, random = Math.random): boolean {
  if (HEALTH.test(req.url ?? '')) return true;
  if (ratio === undefined) return false;
  const header = req.headers.traceparent;
  const traceparent = Array.isArray(header) ? header[0] : header;
  if (isTraceparent(traceparent)) return isUnsampledTraceparent(traceparent);
  return ratio < 1 && random() >= ratio;
}
