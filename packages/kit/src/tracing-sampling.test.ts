import { describe, expect, it } from 'vitest';
import { context, ROOT_CONTEXT, SpanKind, trace, type Span } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { SamplingDecision } from '@opentelemetry/sdk-trace-node';
import { DecidedAtTheEdge, exportDelayMs, hasHeader, rootSamplingRatio, untracedIncoming } from './tracing-sampling.js';
import { recordEdgeSampledTraces } from './tracing-testing.js';
import { NEW_TRACE } from './tracing.js';

const SAMPLED = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
const UNSAMPLED = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-00`;
const req = (url: string, traceparent?: string) => ({ url, headers: traceparent ? { traceparent } : {} });

describe('rootSamplingRatio: which samplers are decided where a request comes in', () => {
  it('reads the parent-based samplers, the default included', () => {
    expect(rootSamplingRatio({})).toBe(1);
    expect(rootSamplingRatio({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' })).toBe(1);
    expect(rootSamplingRatio({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' })).toBe(0);
    expect(rootSamplingRatio({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' })).toBe(0.1);
    expect(rootSamplingRatio({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' })).toBe(1);
  });

  it('leaves every other sampler to the SDK', () => {
    for (const s of ['always_on', 'always_off', 'traceidratio', 'parentbased_jaeger_remote', 'xray'])
      expect(rootSamplingRatio({ OTEL_TRACES_SAMPLER: s })).toBeUndefined();
  });

  it('refuses a ratio that is not a number from 0 to 1, naming the value', () => {
    for (const arg of ['ten percent', '1.5', '-0.1'])
      expect(() => rootSamplingRatio({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: arg })).toThrow(arg);
  });
});

describe('exportDelayMs: OTEL_BSP_SCHEDULE_DELAY', () => {
  it('defaults to 1 s, and reads whole milliseconds', () => {
    expect(exportDelayMs({})).toBe(1_000);
    expect(exportDelayMs({ OTEL_BSP_SCHEDULE_DELAY: ' ' })).toBe(1_000);
    expect(exportDelayMs({ OTEL_BSP_SCHEDULE_DELAY: '200' })).toBe(200);
  });

  it('refuses anything else, naming the value', () => {
    for (const raw of ['0', '-1', '1.5', '5s', '1e3', '3600001'])
      expect(() => exportDelayMs({ OTEL_BSP_SCHEDULE_DELAY: raw })).toThrow(`not "${raw}"`);
  });
});

describe('untracedIncoming: which requests run untraced', () => {
  it('health probes and scrapes, whatever the sampler', () => {
    for (const url of ['/healthz', '/readyz', '/metrics']) {
      expect(untracedIncoming(req(url), 1)).toBe(true);
      expect(untracedIncoming(req(url), undefined)).toBe(true);
    }
    expect(untracedIncoming(req('/graphql'), undefined)).toBe(false);
  });

  it('a parent decides: sampled is traced even at ratio 0, not sampled is untraced even at ratio 1', () => {
    expect(untracedIncoming(req('/graphql', SAMPLED), 0)).toBe(false);
    expect(untracedIncoming(req('/graphql', UNSAMPLED), 1)).toBe(true);
  });

  it('a new trace is drawn at the ratio; a malformed traceparent is a new trace', () => {
    expect(untracedIncoming(req('/graphql'), 0.1, () => 0.05)).toBe(false);
    expect(untracedIncoming(req('/graphql'), 0.1, () => 0.5)).toBe(true);
    expect(untracedIncoming(req('/graphql', 'garbage'), 0.1, () => 0.5)).toBe(true);
    expect(untracedIncoming(req('/graphql'), 1, () => 0.999)).toBe(false);
    expect(untracedIncoming(req('/graphql'), 0, () => 0)).toBe(true);
  });
});

describe('DecidedAtTheEdge', () => {
  const id = 'a'.repeat(32);
  const newTrace = ROOT_CONTEXT.setValue(NEW_TRACE, true);

  it('records a root server span: its request was drawn already', () => {
    expect(new DecidedAtTheEdge(0).shouldSample(ROOT_CONTEXT, id, 'POST', SpanKind.SERVER).decision).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
  });

  it('draws a root marked as a new trace (a message without trace context) at the ratio', () => {
    expect(new DecidedAtTheEdge(0).shouldSample(newTrace, id, 'order.paid process', SpanKind.CONSUMER).decision).toBe(
      SamplingDecision.NOT_RECORD,
    );
    expect(new DecidedAtTheEdge(1).shouldSample(newTrace, id, 'order.paid process', SpanKind.CONSUMER).decision).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
  });

  it('records no other root, even at ratio 1: it is the work of a request that was not sampled', () => {
    for (const kind of [SpanKind.INTERNAL, SpanKind.CLIENT, SpanKind.PRODUCER])
      expect(new DecidedAtTheEdge(1).shouldSample(ROOT_CONTEXT, id, 'gateway.request', kind).decision).toBe(SamplingDecision.NOT_RECORD);
  });
});

describe('hasHeader (undici request headers)', () => {
  it('reads the array and the raw string forms', () => {
    expect(hasHeader(['content-type', 'application/json', 'Traceparent', UNSAMPLED], 'traceparent')).toBe(true);
    expect(hasHeader(['x', 'traceparent'], 'traceparent')).toBe(false);
    expect(hasHeader('content-type: text/plain\r\ntraceparent: x\r\n', 'traceparent')).toBe(true);
    expect(hasHeader(undefined, 'traceparent')).toBe(false);
  });
});

describe('SuppressionAwareTracerProvider (the tracers the bootstrap registers)', () => {
  it('a span started where tracing is suppressed enters no context and records nothing, in each form', async () => {
    const { exporter, stop } = recordEdgeSampledTraces();
    try {
      const tracer = trace.getTracer('test');
      const suppressed = suppressTracing(ROOT_CONTEXT);
      const inside = (span: Span) => ({ recording: span.isRecording(), active: context.active() });
      const forms = [
        context.with(suppressed, () => tracer.startActiveSpan('a', inside)),
        context.with(suppressed, () => tracer.startActiveSpan('b', { kind: SpanKind.SERVER }, inside)),
        tracer.startActiveSpan('c', { kind: SpanKind.SERVER }, suppressed, inside),
        context.with(suppressed, () => tracer.startActiveSpan('d', {}, suppressed, inside)),
      ];
      // The function runs in the caller's context itself: no copy with a span on it was entered.
      for (const seen of forms) expect(seen).toEqual({ recording: false, active: suppressed });
      expect(tracer.startSpan('e', { kind: SpanKind.SERVER }, suppressed).isRecording()).toBe(false);
      expect(exporter.getFinishedSpans()).toEqual([]);
    } finally {
      await stop();
    }
  });

  it('anywhere else the SDK starts the span: recorded, active inside, exported', async () => {
    const { exporter, stop } = recordEdgeSampledTraces();
    try {
      const tracer = trace.getTracer('test');
      const activeInside = tracer.startActiveSpan('served', { kind: SpanKind.SERVER }, (span) => {
        const active = trace.getActiveSpan();
        tracer.startSpan('child').end();
        span.end();
        return active === span;
      });
      expect(activeInside).toBe(true);
      const [child, served] = exporter.getFinishedSpans();
      expect([child?.name, served?.name]).toEqual(['child', 'served']);
      expect(child?.parentSpanContext?.spanId).toBe(served?.spanContext().spanId);
    } finally {
      await stop();
    }
  });
});
