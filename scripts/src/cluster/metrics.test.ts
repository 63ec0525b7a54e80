import { describe, expect, it } from 'vitest';
import { sumCounter, WorkLedger, workOf } from './metrics.js';

const TEXT = `# HELP shop_event_handled_total Event deliveries handled, by outcome
# TYPE shop_event_handled_total counter
shop_event_handled_total{subject="shop.order.placed.v1",outcome="acked"} 7
shop_event_handled_total{subject="shop.order.cancelled.v1",outcome="acked"} 2
shop_event_handled_total{subject="shop.order.placed.v1",outcome="retried"} 3
shop_outbox_published_total{outbox="order"} 11
shop_graphql_requests_total{component="order",operation="mutation.checkout",client="gateway"} 4
shop_graphql_requests_total_extra 100
`;

describe('reading a replica’s work from /metrics', () => {
  it('sums a counter over the samples whose labels match', () => {
    expect(sumCounter(TEXT, 'shop_event_handled_total', { outcome: 'acked' })).toBe(9);
    expect(sumCounter(TEXT, 'shop_event_handled_total')).toBe(12);
    expect(sumCounter(TEXT, 'shop_graphql_requests_total')).toBe(4);
    expect(sumCounter(TEXT, 'absent_total')).toBe(0);
  });

  it('takes events handled (acked only), records published and requests served', () => {
    expect(workOf(TEXT)).toEqual({ handled: 9, published: 11, requests: 4 });
  });

  it('keeps the last reading of each process and adds up a replica’s lives, across a restart', () => {
    const ledger = new WorkLedger();
    ledger.record('order-1', 100, { handled: 3, published: 1, requests: 5 });
    ledger.record('order-1', 100, { handled: 5, published: 2, requests: 8 });
    ledger.record('order-1', 200, { handled: 1, published: 0, requests: 2 }); // restarted: counters from 0
    expect(ledger.total('order-1')).toEqual({ handled: 6, published: 2, requests: 10 });
    expect(ledger.lives('order-1')).toBe(2);
    expect(ledger.total('order-2')).toEqual({ handled: 0, published: 0, requests: 0 });
  });
});
