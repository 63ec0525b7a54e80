import { describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-node';
import { DecidedAtTheEdge, hasHeader, rootSamplingRatio, untracedIncoming } from './tracing-sampling.js';

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

describe('untracedIncoming: which requests run with tracing suppressed', () => {
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
  it('records a root server span (its request was drawn already) and draws every other root at the ratio', () => {
    const never = new DecidedAtTheEdge(0);
    expect(never.shouldSample(ROOT_CONTEXT, 'a'.repeat(32), 'GET', SpanKind.SERVER).decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(never.shouldSample(ROOT_CONTEXT, 'a'.repeat(32), 'sweep', SpanKind.INTERNAL).decision).toBe(SamplingDecision.NOT_RECORD);
    const always = new DecidedAtTheEdge(1);
    expect(always.shouldSample(ROOT_CONTEXT, 'a'.repeat(32), 'sweep', SpanKind.INTERNAL).decision).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
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
