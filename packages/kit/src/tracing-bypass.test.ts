import { createRequire } from 'node:module';
import type * as Http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { InMemorySpanExporter, NodeTracerProvider, ParentBasedSampler, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import {
  activeSpanSampled,
  currentTraceCarrier,
  inSpan,
  inSpanFrom,
  isUnsampledTraceparent,
  outsideSampledTrace,
  setEdgeSampling,
  suppressedUnlessTraced,
  tracingSuppressed,
  untraced,
  unsampledTraceparent,
} from './tracing.js';
import { bypassUntracedOutgoing, bypassUntracedRequests, DecidedAtTheEdge, untracedIncoming } from './tracing-sampling.js';

/**
 * Edge sampling with the real http instrumentation (docs/design.md §11, "Cost"): a request that is not
 * sampled goes past the instrumentation and runs in no span — not in a suppressed context with its
 * emitters bound — and what it starts or hands on is still "not sampled"; a sampled one is traced as
 * before, its context surviving the read of the body.
 */
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({
  sampler: new ParentBasedSampler({ root: new DecidedAtTheEdge(1) }),
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
/** How many outgoing requests reached the instrumentation's client wrapper (its ignore hook runs for each). */
let outgoingHookCalls = 0;
const instrumentation = new HttpInstrumentation({
  ignoreIncomingRequestHook: (req) => untracedIncoming(req, undefined),
  ignoreOutgoingRequestHook: () => {
    outgoingHookCalls++;
    return outsideSampledTrace();
  },
});

interface Seen {
  span: boolean;
  sampled: boolean;
  suppressed: boolean;
  carrier: string | undefined;
  nestedRecording: boolean;
}

let server: Http.Server;
let url = '';
let http: typeof Http;
/** The ratio new traces are drawn at where they come in (the bypass reads it per request). */
let ratio = 1;

beforeAll(async () => {
  provider.register();
  setEdgeSampling(true);
  registerInstrumentations({ instrumentations: [instrumentation] });
  http = createRequire(import.meta.url)('node:http') as typeof Http;
  bypassUntracedRequests(http.Server.prototype, (req) => untracedIncoming(req, ratio));
  bypassUntracedOutgoing(http, unsampledTraceparent);
  server = http.createServer((req, res) => {
    // What the handler sees after the body is read, where an unbound emitter would have lost the context.
    req.resume();
    req.on('end', () => {
      void inSpan('nested', {}, (span) => Promise.resolve(span.isRecording())).then((nestedRecording) => {
        const seen: Seen = {
          span: trace.getActiveSpan() !== undefined,
          sampled: activeSpanSampled(),
          suppressed: tracingSuppressed(),
          carrier: currentTraceCarrier()?.traceparent,
          nestedRecording,
        };
        res.setHeader('content-type', 'application/json').end(JSON.stringify(seen));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  setEdgeSampling(false);
  await provider.shutdown();
  trace.disable();
  context.disable();
});

async function send(traceparent?: string, path = '/graphql'): Promise<Seen> {
  const headers: Record<string, string> = traceparent ? { traceparent } : {};
  const res = await fetch(url.replace('/graphql', path), { method: 'POST', headers, body: '{"query":"{ __typename }"}' });
  return (await res.json()) as Seen;
}

const UNTRACED = { span: false, sampled: false, suppressed: false, nestedRecording: false };

const traceId = 'c'.repeat(32);

describe('bypassUntracedRequests with the http instrumentation', () => {
  it('an unsampled request runs in no span, not suppressed, and still hands "not sampled" on; nothing is exported', async () => {
    exporter.reset();
    const seen = await send(`00-${traceId}-${'d'.repeat(16)}-00`);
    expect(seen).toMatchObject({ span: false, sampled: false, suppressed: false, nestedRecording: false });
    expect(isUnsampledTraceparent(seen.carrier)).toBe(true);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('a sampled request gets its server span, which survives the body and parents what the handler starts', async () => {
    exporter.reset();
    const seen = await send(`00-${traceId}-${'d'.repeat(16)}-01`);
    expect(seen).toMatchObject({ span: true, sampled: true, suppressed: false, nestedRecording: true });
    expect(seen.carrier).toMatch(new RegExp(`^00-${traceId}-[\\da-f]{16}-01$`));
    const spans = exporter.getFinishedSpans();
    const serverSpan = spans.find((s) => s.name !== 'nested');
    expect(spans.map((s) => s.spanContext().traceId)).toEqual([traceId, traceId]);
    expect(spans.find((s) => s.name === 'nested')?.parentSpanContext?.spanId).toBe(serverSpan?.spanContext().spanId);
  });

  it('a new trace the draw leaves out, and a health probe, run in no span and export nothing', async () => {
    exporter.reset();
    ratio = 0;
    try {
      expect(await send()).toMatchObject(UNTRACED);
    } finally {
      ratio = 1;
    }
    expect(await send(undefined, '/healthz')).toMatchObject(UNTRACED);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('a new trace the draw keeps gets a root server span', async () => {
    exporter.reset();
    expect(await send()).toMatchObject({ span: true, sampled: true, nestedRecording: true });
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name === 'nested')).toEqual([true, false]);
    expect(spans[1]!.parentSpanContext).toBeUndefined();
    expect(spans[0]!.parentSpanContext?.spanId).toBe(spans[1]!.spanContext().spanId);
  });

  it('an unsampled request emitted while a sampled span is active (a pipelined one) does not join that trace', async () => {
    let seen: boolean | undefined;
    const quiet = http.createServer(() => (seen = trace.getActiveSpan() !== undefined));
    await inSpan('previous request', { newTrace: true }, () => {
      quiet.emit('request', { url: '/graphql', headers: { traceparent: `00-${traceId}-${'d'.repeat(16)}-00` } }, {});
      return Promise.resolve();
    });
    expect(seen).toBe(false);
  });

  it('refuses a prototype whose emit the instrumentation has not wrapped', () => {
    const proto = { emit: () => true };
    expect(() => bypassUntracedRequests(proto, () => true)).toThrow(/has not wrapped/);
  });
});

describe('work outside any span, with edge sampling', () => {
  it('a span started there records nothing and hands "not sampled" on: it is an unsampled request\'s work', async () => {
    exporter.reset();
    expect(isUnsampledTraceparent(currentTraceCarrier()?.traceparent)).toBe(true);
    const inner = await inSpan('checkout', {}, (span) => {
      expect(span.isRecording()).toBe(false);
      return Promise.resolve(currentTraceCarrier());
    });
    expect(isUnsampledTraceparent(inner?.traceparent)).toBe(true);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it("a new trace on purpose (a sweeper's cancellation, a message without trace context) is drawn, here at ratio 1", async () => {
    exporter.reset();
    await inSpan('order payment timeout', { newTrace: true }, async () => {
      await inSpan('nested', {}, (span) => Promise.resolve(expect(span.isRecording()).toBe(true)));
      expect(activeSpanSampled()).toBe(true);
    });
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['nested', 'order payment timeout']);
    expect(await inSpanFrom(null, 'order.paid process', {}, () => Promise.resolve(activeSpanSampled()))).toBe(true);
  });
});

describe('outsideSampledTrace (the outgoing hooks)', () => {
  it('is true outside any span, and under suppression even inside a sampled span; false in a sampled span', async () => {
    expect(outsideSampledTrace()).toBe(true);
    await inSpan('sampled', { newTrace: true }, () => {
      expect(outsideSampledTrace()).toBe(false);
      expect(untraced(() => outsideSampledTrace())).toBe(true);
      return Promise.resolve();
    });
  });
});

describe('suppressedUnlessTraced (the gateway, once the body is read)', () => {
  it('runs every unsampled request in one suppressed root context, made once, not a copy per request', () => {
    const first = suppressedUnlessTraced(() => context.active());
    expect(suppressedUnlessTraced(() => context.active())).toBe(first);
    expect(context.with(first, () => tracingSuppressed())).toBe(true);
  });

  it('suppresses tracing outside any span, and leaves a sampled span alone', async () => {
    expect(suppressedUnlessTraced(() => tracingSuppressed())).toBe(true);
    await inSpan('sampled', { newTrace: true }, () =>
      Promise.resolve(expect(suppressedUnlessTraced(() => tracingSuppressed())).toBe(false)),
    );
  });
});

describe('bypassUntracedOutgoing with the http instrumentation', () => {
  /** The traceparent a request arrived with, answered by a server that records nothing itself. */
  let echoUrl = '';
  let echo: Http.Server;
  beforeAll(async () => {
    echo = http.createServer((req, res) => res.end(String(req.headers.traceparent ?? '')));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise((resolve) => echo.close(resolve)));

  /** Sends one request made by `make`, and returns the traceparent it arrived with and whether it reached the wrapper. */
  async function received(make: (done: (res: Http.IncomingMessage) => void) => Http.ClientRequest) {
    const before = outgoingHookCalls;
    const traceparent = await new Promise<string>((resolve, reject) => {
      const req = make((res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      if (!req.writableEnded) req.end();
    });
    return { traceparent, wrapper: outgoingHookCalls > before };
  }

  const clientSpans = () => exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);

  it('a request outside a sampled trace goes past the wrapper, saying "not sampled", in every form of the call', async () => {
    exporter.reset();
    const url = new URL(echoUrl);
    const forms = [
      (done: (res: Http.IncomingMessage) => void) => http.request(echoUrl, done),
      (done: (res: Http.IncomingMessage) => void) => http.request(url, { method: 'POST', headers: { 'x-a': '1' } }, done),
      (done: (res: Http.IncomingMessage) => void) =>
        http.request({ host: '127.0.0.1', port: url.port, path: '/graphql', headers: { 'content-type': 'text/plain' } }, done),
      (done: (res: Http.IncomingMessage) => void) => http.get(echoUrl, done),
      (done: (res: Http.IncomingMessage) => void) => http.get({ host: '127.0.0.1', port: url.port, path: '/graphql' }, done),
    ];
    for (const make of forms) {
      const seen = await received(make);
      expect(seen.wrapper).toBe(false);
      expect(isUnsampledTraceparent(seen.traceparent)).toBe(true);
    }
    // Suppressed inside a sampled span counts as outside it.
    await inSpan('sampled', { newTrace: true }, async () => {
      const seen = await untraced(() => received((done) => http.request(echoUrl, done)));
      expect(seen.wrapper).toBe(false);
      expect(isUnsampledTraceparent(seen.traceparent)).toBe(true);
    });
    expect(clientSpans()).toEqual([]);
  });

  it('a request in a sampled trace goes through the instrumentation: a client span, whose context it carries', async () => {
    exporter.reset();
    const seen = await inSpan('sampled', { newTrace: true }, () => received((done) => http.get(echoUrl, done)));
    expect(seen.wrapper).toBe(true);
    const [client] = clientSpans();
    expect(seen.traceparent).toBe(`00-${client!.spanContext().traceId}-${client!.spanContext().spanId}-01`);
  });

  it("leaves the caller's own traceparent, and raw header arrays, to the instrumentation's ignore hook", async () => {
    const own = `00-${traceId}-${'e'.repeat(16)}-00`;
    const headers = { traceparent: own };
    const mine = await received((done) => http.request(echoUrl, { headers }, done));
    expect(mine).toEqual({ traceparent: own, wrapper: true });
    expect(headers).toEqual({ traceparent: own });
    const raw = await received((done) => http.request(echoUrl, { headers: ['x-a', '1'] }, done));
    expect(raw.wrapper).toBe(true);
  });

  it('adds its header to a copy: the options the caller passed are left as they were', async () => {
    const options = { host: '127.0.0.1', port: new URL(echoUrl).port, path: '/graphql', headers: { 'x-a': '1' } };
    await received((done) => http.request(options, done));
    expect(options.headers).toEqual({ 'x-a': '1' });
  });

  it('refuses a module whose request the instrumentation has not wrapped', () => {
    expect(() => bypassUntracedOutgoing({ request: () => undefined, get: () => undefined }, unsampledTraceparent)).toThrow(
      /has not wrapped/,
    );
  });
});
