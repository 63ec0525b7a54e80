import { describe, expect, it } from 'vitest';
import { jaegerConfig } from '@shop/harness';
import { tracingEnv, tracingMode } from './dev-tracing.js';

describe('SHOP_TRACING', () => {
  it('is off when unset or empty, jaeger when jaeger', () => {
    expect(tracingMode({})).toBeUndefined();
    expect(tracingMode({ SHOP_TRACING: '' })).toBeUndefined();
    expect(tracingMode({ SHOP_TRACING: ' jaeger ' })).toBe('jaeger');
  });

  it('refuses any other value, naming the one it accepts', () => {
    for (const value of ['Jaeger', 'zipkin', 'on', '1']) {
      expect(() => tracingMode({ SHOP_TRACING: value })).toThrow(`SHOP_TRACING must be "jaeger" (or unset for no tracing), not "${value}"`);
    }
  });

  it('points every process at the Jaeger with the standard OTEL_* variables, keeping a sampler the caller chose', () => {
    expect(tracingEnv({ otlpUrl: 'http://127.0.0.1:4318' }, {})).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    });
    expect(tracingEnv({ otlpUrl: 'http://127.0.0.1:4318' }, { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' }).OTEL_TRACES_SAMPLER).toBe(
      'parentbased_traceidratio',
    );
  });
});

describe("Jaeger's configuration", () => {
  const config = JSON.parse(jaegerConfig({ otlp: 4318, query: 16686, queryGrpc: 16685 })) as Record<string, unknown>;
  const endpoints: string[] = [];
  const walk = (node: unknown, key = '') => {
    if (typeof node === 'string' && /endpoint|host/i.test(key)) endpoints.push(node);
    if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, k);
  };
  walk(config);

  it('binds every listener to 127.0.0.1', () => {
    expect(endpoints.sort()).toEqual(['127.0.0.1:16685', '127.0.0.1:16686', '127.0.0.1:4318']);
  });

  it("turns off the collector's own metrics endpoint and the query service's self-tracing", () => {
    expect(config).toMatchObject({
      service: { telemetry: { metrics: { level: 'none' } } },
      extensions: { jaeger_query: { enable_tracing: false } },
    });
  });
});
