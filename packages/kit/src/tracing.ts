/**
 * What every module may use of tracing without loading the SDK (only `@opentelemetry/api`, a no-op until
 * `@shop/kit/tracing` registers a provider): the trace context as a carrier for records and message
 * headers, spans around work, and the ids for log lines. See docs/design.md §11.
 */
import { randomBytes } from 'node:crypto';
import {
  context,
  createContextKey,
  propagation,
  trace,
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import { isTracingSuppressed, suppressTracing } from '@opentelemetry/core';

export { SpanKind } from '@opentelemetry/api';
export type { Span } from '@opentelemetry/api';

/** W3C trace context as stored with an outbox record and sent as NATS headers. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/** Whether the environment asks for traces (an OTLP endpoint, or the otlp exporter named explicitly). */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_TRACES_EXPORTER === 'otlp');
}

let edgeSampling = false;

/**
 * Set by the tracing bootstrap when every process decides a new trace where it comes in (a parent-based
 * sampler, docs/design.md §11, "Cost"). Then a request that is not sampled runs in no span at all, so
 * work outside any span belongs to no sampled trace: what it writes or calls says "not sampled", and a
 * span it starts is recorded only if it continues a sampled one or starts a new trace on purpose
 * (`newTrace`, drawn at the ratio: a message without any trace context, background work that continues
 * a purchase).
 */
export function setEdgeSampling(on: boolean): void {
  edgeSampling = on;
}

/** With edge sampling, whether `ctx` holds no span at all: the work of a request that was not sampled. */
const spanless = (ctx: Context): boolean => edgeSampling && !trace.getSpanContext(ctx);

/**
 * The active trace context (null when there is none: tracing off, or, with a sampler decided by the
 * SDK, no span around the caller). Outside a sampled trace (docs/design.md §11, "Cost") a traceparent
 * whose sampled flag is off: the non-recording span's, or fresh ids when there is no span (the request
 * was not sampled) or tracing is suppressed. Whoever continues from the carrier stays unsampled instead
 * of starting a trace of its own.
 */
export function currentTraceCarrier(ctx: Context = context.active()): TraceCarrier | null {
  if (isTracingSuppressed(ctx) || spanless(ctx)) return { traceparent: unsampledTraceparent() };
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  if (!carrier.traceparent) return null;
  return { traceparent: carrier.traceparent, ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}) };
}

const W3C_TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

/** A W3C traceparent with random ids and the sampled flag off: "this trace is not recorded". */
export function unsampledTraceparent(): string {
  const ids = randomBytes(24).toString('hex');
  return `00-${ids.slice(0, 32)}-${ids.slice(32)}-00`;
}

/** Whether a header is a well-formed traceparent whose sampled flag is off. */
export function isUnsampledTraceparent(traceparent: string | null | undefined): boolean {
  return (
    typeof traceparent === 'string' &&
    W3C_TRACEPARENT.test(traceparent) &&
    (Number.parseInt(traceparent.slice(53, 55), 16) & TraceFlags.SAMPLED) === 0
  );
}

/** Whether a header is a well-formed traceparent (what the W3C propagator would accept as a parent). */
export function isTraceparent(traceparent: string | null | undefined): traceparent is string {
  return typeof traceparent === 'string' && W3C_TRACEPARENT.test(traceparent);
}

/**
 * Runs `fn` with tracing suppressed: the work of an unsampled trace. No span is created or exported, the
 * instrumentations step aside, and what leaves the process carries an unsampled traceparent (see
 * `currentTraceCarrier` and the tracing bootstrap's outgoing hooks).
 */
export function untraced<T>(fn: () => T): T {
  return context.with(suppressed(context.active()), fn);
}

/** The root context with tracing suppressed, made once: where an unsampled request's work runs. */
const SUPPRESSED_ROOT = suppressTracing(ROOT_CONTEXT);

/** `ctx` with tracing suppressed; from the root context (every unsampled request) without a copy per call. */
const suppressed = (ctx: Context): Context => (ctx === ROOT_CONTEXT ? SUPPRESSED_ROOT : suppressTracing(ctx));

/**
 * Runs `fn` with tracing suppressed when, with edge sampling, there is no span around it: the rest of a
 * request that was not sampled (`setEdgeSampling`). The gateway calls it once the body is read:
 * `@apollo/gateway` starts half a dozen spans per operation, and suppressed each is a constant no-op
 * instead of fresh ids and a sampler call for a span that is never recorded.
 */
export function suppressedUnlessTraced<T>(fn: () => T): T {
  const ctx = context.active();
  return spanless(ctx) ? context.with(suppressed(ctx), fn) : fn();
}

/**
 * Runs `fn` outside the caller's trace. Background work that a request only wakes (an outbox relay pass
 * kicked after a write) would otherwise join that request's trace, and so would every timer it schedules.
 */
export function detachedFromTrace<T>(fn: () => T): T {
  return context.with(ROOT_CONTEXT, fn);
}

/** Whether the active context runs an unsampled trace with tracing suppressed. */
export function tracingSuppressed(): boolean {
  return isTracingSuppressed(context.active());
}

/**
 * Whether a call made now leaves the process outside a sampled trace, so that the instrumentations may
 * skip it and only hand "not sampled" on: tracing is suppressed, or, with edge sampling, the active
 * span is not sampled or there is none.
 */
export function outsideSampledTrace(): boolean {
  return tracingSuppressed() || (edgeSampling && !activeSpanSampled());
}

/**
 * Marks the context a span starts from as a new trace to draw at the sampling ratio. With edge sampling
 * a span without a parent is otherwise never recorded (it is the work of a request that was not sampled);
 * the only roots drawn are the ones started on purpose (`SpanOptions.newTrace`).
 */
export const NEW_TRACE = createContextKey('@shop/kit new trace');

/** The context a carrier describes (the active one when the carrier is missing or malformed). */
export function contextFrom(carrier: TraceCarrier | null | undefined): Context {
  if (!carrier?.traceparent || !W3C_TRACEPARENT.test(carrier.traceparent)) return context.active();
  return propagation.extract(context.active(), carrier);
}

const tracer = () => trace.getTracer('@shop/kit');

/** The span an untraced (unsampled) piece of work is given: records nothing. */
export const NOT_RECORDED = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Record<string, string | number | boolean | undefined>;
  /** Start as a child of this context (default: the active one). */
  parent?: Context;
  links?: Link[];
  /** Without a parent span, start a new trace drawn at the sampling ratio (see `NEW_TRACE`). */
  newTrace?: boolean;
}

/**
 * Runs `fn` inside a new span; an error thrown ends the span with an error status and is rethrown.
 * With no provider registered the span is a no-op and this costs a function call.
 */
export async function inSpan<T>(name: string, opts: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = opts.parent ?? context.active();
  if (isTracingSuppressed(parent)) return fn(NOT_RECORDED);
  const attributes = Object.fromEntries(Object.entries(opts.attributes ?? {}).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number | boolean
  >;
  const span = tracer().startSpan(
    name,
    { kind: opts.kind ?? SpanKind.INTERNAL, attributes, links: opts.links ?? [] },
    opts.newTrace ? parent.setValue(NEW_TRACE, true) : parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    span.recordException(err instanceof Error ? err : String(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    span.end();
  }
}

/**
 * Continues the trace a carrier (an outbox record's, a message's headers) names: `fn` in a child span, or
 * untraced when that trace is not sampled, so that what `fn` calls or publishes is told "not sampled" too.
 * A carrier without a trace context (a record written with tracing off, a message from elsewhere) starts
 * a new trace, drawn at the sampling ratio.
 */
export function inSpanFrom<T>(
  carrier: TraceCarrier | null | undefined,
  name: string,
  opts: Omit<SpanOptions, 'parent'>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  if (isUnsampledTraceparent(carrier?.traceparent)) return untraced(() => fn(NOT_RECORDED));
  return inSpan(name, { ...opts, parent: contextFrom(carrier), newTrace: !isTraceparent(carrier?.traceparent) }, fn);
}

/** A link to the span a carrier describes (for a redelivery, see docs/design.md §11). */
export function linkTo(carrier: TraceCarrier | null | undefined): Link[] {
  const spanContext = carrier ? trace.getSpanContext(contextFrom(carrier)) : undefined;
  return spanContext ? [{ context: spanContext }] : [];
}

/** Sets an attribute on the active span, if any (e.g. the order number at checkout, for `npm run trace`). */
export function annotateSpan(attributes: Record<string, string | number | boolean>): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/** Marks the active span as failed without an exception (a nak, a dead letter). */
export function markSpanFailed(message: string): void {
  trace.getActiveSpan()?.setStatus({ code: SpanStatusCode.ERROR, message });
}

/**
 * Whether the active span will be exported (its trace was sampled). Work that only feeds a span (a
 * serialized statement, log fields) is skipped when it is not: with 10 % sampling, nine requests in ten
 * run in spans that are never recorded (docs/design.md §11, "Cost").
 */
export function activeSpanSampled(): boolean {
  const sc = trace.getActiveSpan()?.spanContext();
  return sc !== undefined && (sc.traceFlags & TraceFlags.SAMPLED) !== 0;
}

/**
 * The ids a log line carries so that it leads to its trace (the pino mixin): only in a sampled trace,
 * since the ids of a trace that is not exported lead nowhere.
 */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  if (!activeSpanSampled()) return {};
  const sc = trace.getActiveSpan()!.spanContext();
  return { trace_id: sc.traceId, span_id: sc.spanId };
}

/**
 * The MongoDB instrumentation's `db.query.text`: the command with every value replaced by `?` (as its
 * default serializer), but only under a sampled span. The instrumentation computes it before the sampler
 * runs, for every command, so by default each command of an unsampled trace would pay a JSON
 * serialization of its whole document (an order with its lines, a reservation's bulk write) for a
 * span that is dropped. A command's span is a child of the active one (parent-based sampling).
 */
export function mongoStatement(command: Record<string, unknown>): string {
  if (!activeSpanSampled()) return '';
  const seen = new WeakSet<object>();
  return JSON.stringify(command, (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null) return '?';
    if (seen.has(value)) return '[Circular]';
    seen.add(value);
    return value;
  });
}

let flushHook: (() => Promise<void>) | undefined;

/** Called by the tracing bootstrap: how to send spans still buffered. */
export function setTracingFlush(fn: () => Promise<void>): void {
  flushHook = fn;
}

/** Sends buffered spans (the last shutdown step); a no-op with tracing off. */
export async function flushTracing(): Promise<void> {
  await flushHook?.();
}
