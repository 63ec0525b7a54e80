import { describe, expect, it } from 'vitest';
import { EVENT_SUBJECTS } from './contracts.js';
import { consumerConfig, consumerName, streamConfigs, streamFor, STREAMS } from './streams.js';

describe('stream and consumer naming', () => {
  it.each([
    ['order', 'shop.payment.succeeded.v1', 'order--payment-succeeded'],
    ['product', 'shop.order.placed.v1', 'product--order-placed'],
    ['invoice-renderer', 'shop.invoice.issued.v1', 'invoice-renderer--invoice-issued'],
    ['messaging', 'shop.order.placed.v2', 'messaging--order-placed-v2'],
  ])('%s consuming %s is %s', (service, subject, name) => {
    expect(consumerName(service, subject)).toBe(name);
  });

  it.each([
    ['order', 'shop.payment.succeeded'],
    ['order', 'payment.succeeded.v1'],
    ['Order', 'shop.payment.succeeded.v1'],
    ['order--x', 'shop.payment.succeeded.v1'],
    ['or der', 'shop.payment.succeeded.v1'],
  ])('refuses service %j with subject %j', (service, subject) => {
    expect(() => consumerName(service, subject)).toThrow();
  });

  it('finds the stream of every event subject, and of dead letters', () => {
    const expected: Record<string, string> = { order: 'ORDERS', payment: 'PAYMENTS', invoice: 'INVOICES', product: 'PRODUCTS' };
    for (const s of EVENT_SUBJECTS) expect(streamFor(s)).toBe(expected[s.split('.')[1]!]);
    expect(streamFor('shop.dlq.shop.order.placed.v1')).toBe('DLQ');
    expect(() => streamFor('other.subject')).toThrow(/no stream/);
  });
});

describe('stream and consumer configuration', () => {
  it('creates the five streams with limits retention, file storage and a dedupe window ≥ 2 min', () => {
    const configs = streamConfigs();
    expect(configs.map((c) => [c.name, c.subjects])).toEqual(Object.entries(STREAMS).map(([n, s]) => [n, [s]]));
    for (const c of configs) {
      expect(c.retention).toBe('limits');
      expect(c.storage).toBe('file');
      expect(c.duplicate_window).toBeGreaterThanOrEqual(120e9);
    }
  });

  it('keeps one copy of every stream unless told how many (NATS_STREAM_REPLICAS)', () => {
    expect(streamConfigs().map((c) => c.num_replicas)).toEqual([1, 1, 1, 1, 1]);
    expect(streamConfigs({ replicas: 3 }).map((c) => c.num_replicas)).toEqual([3, 3, 3, 3, 3]);
    for (const bad of [0, 6, 2.5]) expect(() => streamConfigs({ replicas: bad })).toThrow(/replicas must be an integer from 1 to 5/);
  });

  it('refuses a dedupe window under 2 minutes', () => {
    expect(() => streamConfigs({ duplicateWindowMs: 60_000 })).toThrow(/2 minutes/);
  });

  it('configures one filter subject, explicit acks and the delivery limits', () => {
    const c = consumerConfig({
      durable: 'order--payment-succeeded',
      subject: 'shop.payment.succeeded.v1',
      maxDeliver: 5,
      maxAckPending: 64,
      ackWaitMs: 10_000,
    });
    expect(c).toMatchObject({
      durable_name: 'order--payment-succeeded',
      filter_subject: 'shop.payment.succeeded.v1',
      ack_policy: 'explicit',
      max_deliver: 5,
      max_ack_pending: 64,
      ack_wait: 10e9,
    });
    expect(() => consumerConfig({ durable: 'x', subject: 'shop.order.paid.v1', maxDeliver: 0 })).toThrow(/maxDeliver/);
  });
});
