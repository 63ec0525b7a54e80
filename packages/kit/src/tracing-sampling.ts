/**
 * Where a trace is sampled (docs/design.md §11, "Cost"): with a parent-based sampler, a process decides a
 * new trace where its request comes in, before any instrumentation runs; a request that is not sampled
 * runs past the instrumentation in no span at all, handing "not sampled" on in the traceparent of
 * whatever it calls.
 */
import type { IncomingMessage } from 'node:http';
import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerOptions,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { isWrapped } from '@opentelemetry/instrumentation';
import {
  NodeTracerProvider,
  TraceIdRatioBasedSampler,
  SamplingDecision,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-node';
import { isTraceparent, isUnsampledTraceparent, NEW_TRACE, NOT_RECORDED, outsideSampledTrace } from './tracing.js';

/**
 * The share of new traces to record, when `OTEL_TRACES_SAMPLER` is one of the parent-based samplers
 * (the default, `parentbased_always_on`, included): the process then decides a root where the request
 * comes in, before any instrumentation runs, and an unsampled request runs in no span
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
 * `OTEL_BSP_SCHEDULE_DELAY`: milliseconds the batch span processor collects spans before it sends them
 * (sooner when 512 are waiting). 1000 here, not the specification's 5000, so that a purchase is in Jaeger
 * by the time `npm run trace` is typed and a killed process loses at most a second of spans; exporting
 * every 5 s measured no cheaper, at 10 % sampling, in one run of the tracing bench (bench/README.md).
 */
export function exportDelayMs(env: NodeJS.ProcessEnv): number {
  const raw = env.OTEL_BSP_SCHEDULE_DELAY?.trim();
  if (!raw) return 1_000;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 3_600_000)
    throw new Error(`OTEL_BSP_SCHEDULE_DELAY must be a whole number of milliseconds from 1 to 3600000, not "${raw}"`);
  return Number(raw);
}

/**
 * The root sampler under a parent-based one. A root SERVER span is a request that was drawn already
 * where it came in (`bypassUntracedRequests`): record it. A root marked as a new trace (`NEW_TRACE`,
 * `SpanOptions.newTrace`: a record or message without any trace context, background work that continues
 * a purchase) is drawn here at the same ratio. Any other root (a span our code starts in a request that
 * was not sampled, which runs in no span) is not recorded, and its children and calls inherit "not
 * sampled".
 */
export class DecidedAtTheEdge implements Sampler {
  private readonly ratio: TraceIdRatioBasedSampler;
  constructor(ratio: number) {
    this.ratio = new TraceIdRatioBasedSampler(ratio);
  }
  shouldSample(ctx: Context, traceId: string, _name: string, kind: SpanKind): SamplingResult {
    if (kind === SpanKind.SERVER) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    if (ctx.getValue(NEW_TRACE) === true) return this.ratio.shouldSample(ctx, traceId);
    return { decision: SamplingDecision.NOT_RECORD };
  }
  toString(): string {
    return `DecidedAtTheEdge{${this.ratio.toString()}}`;
  }
}

/**
 * A tracer that does nothing at all for a span started where tracing is suppressed (an unsampled
 * operation's, docs/design.md §11, "Cost"): `startActiveSpan` calls its function with a span that records
 * nothing, without entering a context. The SDK's tracer would copy the context to set that span on it
 * and enter it (an AsyncLocalStorage `run`) only for its function to see "suppressed" again: for
 * `@apollo/gateway`'s half dozen spans per operation, the largest part of what an unsampled operation
 * still paid the gateway. (A suppressed context passed explicitly, other than the active one, is still
 * entered, without a span set on it.) Anything else goes to the SDK's tracer as it is.
 */
class SkipsSuppressed implements Tracer {
  /** The SDK tracer's `startActiveSpan`. */
  private readonly recorded: Tracer['startActiveSpan'];

  constructor(private readonly tracer: Tracer) {
    this.recorded = tracer.startActiveSpan.bind(tracer);
  }

  startSpan(name: string, options?: SpanOptions, ctx: Context = context.active()): Span {
    return isTracingSuppressed(ctx) ? NOT_RECORDED : this.tracer.startSpan(name, options, ctx);
  }

  // The three forms of the API's overloads: (name, fn), (name, options, fn), (name, options, context, fn).
  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...args: unknown[]): ReturnType<F> {
    const fn = args[args.length - 1] as (span: Span) => ReturnType<F>;
    const active = context.active();
    const ctx = (args.length >= 3 ? (args[1] as Context | undefined) : undefined) ?? active;
    // A suppressed context given explicitly is entered as it is (the function runs in it, as with the SDK).
    if (isTracingSuppressed(ctx)) return ctx === active ? fn(NOT_RECORDED) : context.with(ctx, fn, undefined, NOT_RECORDED);
    // The arguments as given, in whichever form: the SDK tracer tells them apart by their count.
    return this.recorded(name, ...(args as [F]));
  }
}

/** The SDK's provider, its tracers skipping suppressed spans (`SkipsSuppressed`); one wrapper per tracer. */
export class SuppressionAwareTracerProvider extends NodeTracerProvider {
  private readonly wrappers = new WeakMap<Tracer, Tracer>();

  override getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    const tracer = super.getTracer(name, version, options);
    let wrapper = this.wrappers.get(tracer);
    if (!wrapper) this.wrappers.set(tracer, (wrapper = new SkipsSuppressed(tracer)));
    return wrapper;
  }
}

/** Whether undici's request headers (`[name, value, …]`, or raw `name: value\r\n` lines) name `name`. */
export function hasHeader(headers: unknown, name: string): boolean {
  if (Array.isArray(headers)) return headers.some((h, i) => i % 2 === 0 && String(h).toLowerCase() === name);
  return typeof headers === 'string' && new RegExp(`^${name}:`, 'im').test(headers);
}

const HEALTH = /^\/(healthz|readyz|metrics)\b/;

/**
 * Whether an incoming request runs untraced: health probes, a request whose parent is not sampled, and a
 * new trace the draw at `ratio` leaves out. `random` is for tests.
 */
export function untracedIncoming(req: Pick<IncomingMessage, 'url' | 'headers'>, ratio: number | undefined, random = Math.random): boolean {
  if (HEALTH.test(req.url ?? '')) return true;
  if (ratio === undefined) return false;
  const header = req.headers.traceparent;
  const traceparent = Array.isArray(header) ? header[0] : header;
  if (isTraceparent(traceparent)) return isUnsampledTraceparent(traceparent);
  return ratio < 1 && random() >= ratio;
}

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

/**
 * Lets a request that runs untraced go past the http instrumentation's server wrapper (`emit` of
 * `http.Server.prototype`, `https` alike) to the server's own `emit`. The instrumentation's path for an
 * ignored request would still enter a suppressed context and bind the request's and response's emitters
 * to it, so that every listener express and body-parser add is wrapped: about half of what an unsampled
 * request paid for tracing. Past it, the request runs in no span, which edge sampling reads as "not
 * sampled" (`setEdgeSampling`). It starts from the root context, as the instrumentation starts every
 * request: a request emitted while a span is active (the next pipelined request on a socket, resumed from
 * the previous response's `finish`, whose listeners run in that response's context) would otherwise run
 * inside another request's trace. Call after the instrumentation has wrapped `emit` (the bootstrap
 * requires `node:http` first); throws if it has not, rather than leave every request traced.
 */
export function bypassUntracedRequests(serverPrototype: object, untraced: (req: IncomingMessage) => boolean): void {
  const proto = serverPrototype as { emit: Emit & { __original?: Emit } };
  const traced: Emit = proto.emit;
  const plain = proto.emit.__original;
  if (!isWrapped(proto.emit) || typeof plain !== 'function')
    throw new Error('the http instrumentation has not wrapped Server.prototype.emit: cannot let untraced requests past it');
  proto.emit = function emit(this: unknown, event, ...args) {
    if (event !== 'request' || !untraced(args[0] as IncomingMessage)) return traced.call(this, event, ...args);
    if (trace.getSpan(context.active())) return context.with(ROOT_CONTEXT, () => plain.call(this, event, ...args));
    return plain.call(this, event, ...args);
  };
}

type Request = ((...args: unknown[]) => unknown) & { __original?: (...args: unknown[]) => unknown };
interface OutgoingModule {
  request: Request;
  get: Request;
}

/**
 * `args` of `http.request`/`http.get` with a `traceparent` header added to the options (a copy of
 * them); undefined when they carry no headers object to add it to (raw header arrays), or carry one.
 */
function withTraceparent(args: unknown[], traceparent: () => string): unknown[] | undefined {
  const urlFirst = typeof args[0] === 'string' || args[0] instanceof URL;
  const at = urlFirst ? 1 : 0;
  const given = args[at];
  const options = given !== null && typeof given === 'object' ? (given as { headers?: unknown }) : undefined;
  if (!options && !urlFirst) return undefined;
  const headers = options?.headers ?? {};
  if (Array.isArray(headers) || typeof headers !== 'object' || headers === null) return undefined;
  if (Object.keys(headers).some((k) => k.toLowerCase() === 'traceparent')) return undefined;
  const withHeader = { ...options, headers: { ...headers, traceparent: traceparent() } };
  return options ? args.map((a, i) => (i === at ? withHeader : a)) : [args[0], withHeader, ...args.slice(1)];
}

/**
 * Lets an outgoing `http`/`https` request made outside a sampled trace (`outsideSampledTrace`) go past
 * the http instrumentation's client wrapper to Node's own `request`/`get`, with a `traceparent` whose
 * sampled flag is off added to a copy of its options, so the next process does not start a trace of its
 * own. The wrapper would parse the options into a URL before its ignore hook said "skip": about 10 µs per
 * call, which the gateway paid for every subgraph fetch of an unsampled operation. Requests whose headers
 * are a raw array, or that carry a `traceparent` already, still take the instrumentation's path (its
 * ignore hook decides them). Call after the instrumentation has wrapped the module; throws if it has not.
 */
export function bypassUntracedOutgoing(httpModule: object, traceparent: () => string): void {
  const module = httpModule as OutgoingModule;
  const tracedRequest = module.request;
  const tracedGet = module.get;
  const plainRequest = tracedRequest.__original;
  const plainGet = tracedGet.__original;
  if (!isWrapped(tracedRequest) || !isWrapped(tracedGet) || typeof plainRequest !== 'function' || typeof plainGet !== 'function')
    throw new Error('the http instrumentation has not wrapped request and get: cannot let untraced requests past it');
  module.request = function request(this: unknown, ...args: unknown[]) {
    const plain = outsideSampledTrace() ? withTraceparent(args, traceparent) : undefined;
    return plain ? plainRequest.apply(this, plain) : tracedRequest.apply(this, args);
  };
  module.get = function get(this: unknown, ...args: unknown[]) {
    const plain = outsideSampledTrace() ? withTraceparent(args, traceparent) : undefined;
    return plain ? plainGet.apply(this, plain) : tracedGet.apply(this, args);
  };
}
