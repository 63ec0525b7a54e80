import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { consumerName, ensureConsumer, ensureStreams, STREAMS } from '../src/index.js';
import { tagOf } from './helpers.js';
import '@shop/harness';

/** Runs against the project's shared nats-server: provisioning is what every service does there at start-up. */
describe('stream and consumer provisioning', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    nc = await connect({ servers: inject('natsUrl'), name: 'events-provisioning' });
    jsm = await jetstreamManager(nc);
  });
  afterAll(async () => {
    await nc?.drain();
  });

  it('creates ORDERS, PAYMENTS, INVOICES, PRODUCTS and DLQ, and a second run changes nothing and loses no message', async () => {
    const first = await ensureStreams(jsm);
    expect(first.map((s) => [s.config.name, s.config.subjects])).toEqual(Object.entries(STREAMS).map(([n, s]) => [n, [s]]));
    for (const s of first) {
      expect(s.config.retention).toBe('limits');
      expect(s.config.storage).toBe('file');
      expect(s.config.duplicate_window).toBeGreaterThanOrEqual(nanos(120_000));
    }
    // A subject no consumer filters on: the shared server's other suites must not see it.
    const ack = await jetstream(nc).publish('shop.order.provisioning-probe', '{}', { msgID: tagOf('prov') });

    const second = await ensureStreams(jsm);
    for (const [i, s] of second.entries()) {
      expect(s.config).toEqual(first[i]!.config);
      expect(s.created).toBe(first[i]!.created);
    }
    const orders = await jsm.streams.info('ORDERS');
    expect(orders.state.last_seq).toBeGreaterThanOrEqual(ack.seq);
    expect(await jsm.streams.getMessage('ORDERS', { seq: ack.seq })).not.toBeNull();
  });

  it('updates a stream whose managed settings drifted', async () => {
    await ensureStreams(jsm);
    await ensureStreams(jsm, { duplicateWindowMs: 5 * 60_000 });
    expect((await jsm.streams.info('PAYMENTS')).config.duplicate_window).toBe(nanos(5 * 60_000));
    await ensureStreams(jsm);
    expect((await jsm.streams.info('PAYMENTS')).config.duplicate_window).toBe(nanos(10 * 60_000));
  });

  it('survives concurrent provisioning from several services', async () => {
    const results = await Promise.all([ensureStreams(jsm), ensureStreams(jsm), ensureStreams(jsm)]);
    for (const r of results) expect(r.map((s) => s.config.name)).toEqual(['ORDERS', 'PAYMENTS', 'INVOICES', 'PRODUCTS', 'DLQ']);
  });

  it('creates a durable pull consumer once, with one filter subject and explicit acks, and updates its limits', async () => {
    await ensureStreams(jsm);
    const durable = consumerName(tagOf('svc').replace(/[^a-z0-9]/g, ''), 'shop.payment.succeeded.v1');
    const opts = { durable, subject: 'shop.payment.succeeded.v1', maxDeliver: 4, maxAckPending: 50, ackWaitMs: 5_000 };
    const a = await ensureConsumer(jsm, opts);
    const b = await ensureConsumer(jsm, opts);
    expect(a.stream_name).toBe('PAYMENTS');
    expect(b.created).toBe(a.created);
    expect(b.config).toEqual(a.config);
    expect(a.config).toMatchObject({
      durable_name: durable,
      filter_subject: 'shop.payment.succeeded.v1',
      ack_policy: 'explicit',
      max_deliver: 4,
      max_ack_pending: 50,
      ack_wait: nanos(5_000),
    });
    expect(a.config.deliver_subject).toBeUndefined();

    const c = await ensureConsumer(jsm, { ...opts, maxDeliver: 7 });
    expect(c.config.max_deliver).toBe(7);
    expect(c.created).toBe(a.created);
    await jsm.consumers.delete('PAYMENTS', durable);
  });
});
