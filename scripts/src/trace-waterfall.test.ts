import { describe, expect, it } from 'vitest';
import { jaegerTraces, purchaseWaterfall, waterfall } from './trace-waterfall.js';

const span = (
  spanID: string,
  operationName: string,
  processID: string,
  startTime: number,
  duration: number,
  parent?: string,
  tags: object[] = [],
) => ({
  traceID: 'abc',
  spanID,
  operationName,
  processID,
  startTime,
  duration,
  references: parent ? [{ refType: 'CHILD_OF', traceID: 'abc', spanID: parent }] : [],
  tags,
});

describe('the trace waterfall', () => {
  it('indents children under parents in start order, with offsets, durations and the error of a failed span', () => {
    const body = {
      data: [
        {
          traceID: 'abc',
          processes: { p1: { serviceName: 'gateway' }, p2: { serviceName: 'order' }, p3: { serviceName: 'invoice' } },
          spans: [
            span('c', 'shop.order.paid.v1 process', 'p3', 1_005_000, 2_000, 'b', [
              { key: 'otel.status_code', type: 'string', value: 'ERROR' },
              { key: 'otel.status_description', type: 'string', value: 'order subgraph unavailable' },
            ]),
            span('a', 'gateway.request', 'p1', 1_000_000, 10_000),
            span('b', 'order checkout', 'p2', 1_001_500, 3_000, 'a'),
          ],
        },
      ],
    };
    const [trace] = jaegerTraces.parse(body).data;
    expect(waterfall(trace!).split('\n')).toEqual([
      'trace abc: 3 spans',
      'gateway: gateway.request  +0.0 ms  10.0 ms',
      '  order: order checkout  +1.5 ms  3.0 ms',
      '    invoice: shop.order.paid.v1 process  +5.0 ms  2.0 ms  ERROR order subgraph unavailable',
    ]);
  });

  it('shows a span whose parent is missing from the trace at the top level', () => {
    const [trace] = jaegerTraces.parse({
      data: [{ traceID: 'abc', processes: { p: { serviceName: 'order' } }, spans: [span('x', 'orphan', 'p', 5, 1, 'gone')] }],
    }).data;
    expect(waterfall(trace!)).toBe('trace abc: 1 spans\norder: orphan  +0.0 ms  0.0 ms');
  });

  it('prints a purchase made of two traces as one waterfall, oldest first, offsets from the purchase start', () => {
    const trace = (traceID: string, spans: ReturnType<typeof span>[]) => ({
      traceID,
      processes: { g: { serviceName: 'gateway' }, o: { serviceName: 'order' }, i: { serviceName: 'invoice' } },
      spans: spans.map((s) => ({ ...s, traceID })),
    });
    const { data } = jaegerTraces.parse({
      data: [
        trace('pay', [
          span('p1', 'gateway.request', 'g', 3_000_000, 50_000),
          span('p2', 'shop.order.paid.v1 process', 'i', 3_020_000, 5_000, 'p1'),
        ]),
        trace('chk', [span('c1', 'gateway.request', 'g', 1_000_000, 40_000), span('c2', 'order checkout', 'o', 1_010_000, 20_000, 'c1')]),
      ],
    });
    expect(purchaseWaterfall('SO-2026-000007', data).split('\n')).toEqual([
      'order SO-2026-000007: 2 traces, 4 spans (its operations were sent without one traceparent; offsets count from the first)',
      'trace chk: 2 spans',
      'gateway: gateway.request  +0.0 ms  40.0 ms',
      '  order: order checkout  +10.0 ms  20.0 ms',
      'trace pay: 2 spans',
      'gateway: gateway.request  +2000.0 ms  50.0 ms',
      '  invoice: shop.order.paid.v1 process  +2020.0 ms  5.0 ms',
    ]);
    // One trace (the client sent one traceparent with both operations): just that trace.
    expect(purchaseWaterfall('SO-2026-000007', data.slice(1))).toBe(waterfall(data[1]!));
  });
});
