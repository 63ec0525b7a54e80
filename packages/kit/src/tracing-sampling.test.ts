import { describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-node';
import { DecidedAtTheEdge, hasHeader, rootSamplingRatio, untracedIncoming } from './tracing-sampling.js';
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
