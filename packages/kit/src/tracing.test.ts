import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, trace } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  InMemorySpanExporter,
  NodeTracerProvider,
  ParentBasedSampler,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import {
  activeSpanSampled,
  currentTraceCarrier,
  detachedFromTrace,
  inSpan,
  inSpanFrom,
  isUnsampledTraceparent,
  mongoStatement,
  traceLogFields,
  tracingSuppressed,
  unsampledTraceparent,
} from './tracing.js';

/**
 * What tracing skips when a trace is not sampled (docs/design.md §11, "Cost"), and what it still does
 * when it is: a provider with a parent-based sampler, and root spans sampled or not as the test says.
 */
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({
  sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }),
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
const sampledProvider = new NodeTracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => provider.register());
afterAll(async () => {
  await provider.shutdown();
  await sampledProvider.shutdown();
  trace.disable();
  context.disable();
});

/** Runs `fn` inside a root span from `from` (sampled or not, as its sampler says). */
function inRoot<T>(from: NodeTracerProvider, fn: () => T): T {
  const span = from.getTracer('test').startSpan('root');
  try {
    return context.with(trace.setSpan(context.active(), span), fn);
  } finally {
    span.end();
  }
}

const command = { insert: 'orders', documents: [{ _id: 'o1', email: 'a@b.c', lines: [{ sku: 'X', quantity: 2 }] }], ordered: true };

describe('tracing when the trace is not sampled', () => {
  it('does not serialize the MongoDB statement, and log lines carry no ids that lead nowhere', () => {
    inRoot(provider, () => {
      expect(activeSpanSampled()).toBe(false);
      expect(mongoStatement(command)).toBe('');
      expect(traceLogFields()).toEqual({});
    });
  });

  it('outside any span: nothing either', () => {
    expect(activeSpanSampled()).toBe(false);
    expect(mongoStatement(command)).toBe('');
    expect(traceLogFields()).toEqual({});
  });
});

describe('tracing when the trace is sampled', () => {
  it('serializes the statement with every value scrubbed, and log lines name the span', () => {
    inRoot(sampledProvider, () => {
      const sc = trace.getActiveSpan()!.spanContext();
      expect(activeSpanSampled()).toBe(true);
      expect(JSON.parse(mongoStatement(command))).toEqual({
        insert: '?',
        documents: [{ _id: '?', email: '?', lines: [{ sku: '?', quantity: '?' }] }],
        ordered: '?',
      });
      expect(traceLogFields()).toEqual({ trace_id: sc.traceId, span_id: sc.spanId });
    });
  });
});

describe('an unsampled trace runs untraced (docs/design.md §11, "Cost")', () => {
  const sampled = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;

  it('unsampledTraceparent is well-formed W3C with fresh ids and the sampled flag off', () => {
    const a = unsampledTraceparent();
    expect(a).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-00$/);
    expect(isUnsampledTraceparent(a)).toBe(true);
    expect(unsampledTraceparent()).not.toBe(a);
    expect(isUnsampledTraceparent(sampled)).toBe(false);
    expect(isUnsampledTraceparent('00-zz-00')).toBe(false);
    expect(isUnsampledTraceparent(undefined)).toBe(false);
  });

  it('continuing a sampled carrier records a child span that hands the same trace on', async () => {
    exporter.reset();
    const inner = await inSpanFrom({ traceparent: sampled }, 'handled', {}, () => {
      expect(tracingSuppressed()).toBe(false);
      return Promise.resolve(currentTraceCarrier());
    });
    expect(inner?.traceparent).toMatch(new RegExp(`^00-${'a'.repeat(32)}-[\\da-f]{16}-01$`));
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['handled']);
  });

  it('continuing an unsampled carrier suppresses tracing: no span, nested spans skipped, and "not sampled" handed on', async () => {
    exporter.reset();
    const inner = await inSpanFrom({ traceparent: unsampledTraceparent() }, 'skipped', {}, async () => {
      expect(tracingSuppressed()).toBe(true);
      await inSpan('nested', {}, (span) => Promise.resolve(expect(span.isRecording()).toBe(false)));
      return currentTraceCarrier();
    });
    expect(isUnsampledTraceparent(inner?.traceparent)).toBe(true);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('work detached from the trace (a relay pass a request kicked) belongs to no trace, suppressed or sampled', () => {
    inRoot(sampledProvider, () => {
      expect(currentTraceCarrier()).not.toBeNull();
      expect(detachedFromTrace(() => currentTraceCarrier())).toBeNull();
    });
  });
});
