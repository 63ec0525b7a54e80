import { describe, expect, it } from 'vitest';
import { parsePrometheus, sampleSum } from './prometheus.js';

const PAGE = `# HELP shop_graphql_requests_total GraphQL operations answered
# TYPE shop_graphql_requests_total counter
shop_graphql_requests_total{component="gateway",operation="mutation.checkout",client="user"} 3
shop_graphql_requests_total{component="gateway",operation="query.products",client="guest"} 2 1700000000000
# TYPE odd gauge
odd{path="a\\\\b",quote="say \\"hi\\"",nl="x\\ny",comma="a,b"} -1.5e3
process_start_time_seconds 1.7e9
up_bucket{le="+Inf"} +Inf
`;

describe('parsePrometheus', () => {
  it('reads names, labels (escaped values and commas included), values and ignores timestamps', () => {
    const samples = parsePrometheus(PAGE);
    expect(samples).toHaveLength(5);
    expect(samples[1]).toEqual({
      name: 'shop_graphql_requests_total',
      labels: { component: 'gateway', operation: 'query.products', client: 'guest' },
      value: 2,
    });
    expect(samples[2]).toEqual({ name: 'odd', labels: { path: 'a\\b', quote: 'say "hi"', nl: 'x\ny', comma: 'a,b' }, value: -1500 });
    expect(samples[3]).toEqual({ name: 'process_start_time_seconds', labels: {}, value: 1.7e9 });
    expect(samples[4]!.value).toBe(Infinity);
  });

  it('sums the samples that carry the given labels', () => {
    const samples = parsePrometheus(PAGE);
    expect(sampleSum(samples, 'shop_graphql_requests_total')).toBe(5);
    expect(sampleSum(samples, 'shop_graphql_requests_total', { client: 'user' })).toBe(3);
    expect(sampleSum(samples, 'shop_graphql_requests_total', { client: 'partner' })).toBe(0);
  });

  it('refuses a line it cannot read instead of skipping it', () => {
    expect(() => parsePrometheus('metric{a="1" 2')).toThrow(/not a Prometheus sample line|unreadable/);
    expect(() => parsePrometheus('metric{a=1} 2')).toThrow(/unreadable labels/);
    expect(() => parsePrometheus('metric two')).toThrow(/unreadable value/);
  });
});
