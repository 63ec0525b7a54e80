import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { DeliverPolicy } from '@nats-io/jetstream';
import { Schema, type Connection, type Model } from 'mongoose';
import { ensureIndexes } from '@shop/kit';
import { runScript, waitFor, type NatsInstance } from '@shop/harness';
import {
  createOutboxModel,
  listQuarantined,
  mongoOutboxStore,
  outboxDoc,
  outboxFields,
  startConsumer,
  startOutboxRelay,
  type EventEnvelope,
  type OutboxDoc,
  type OutboxStore,
  type RunningConsumer,
} from '../src/index.js';
import { connectBroker, dropMongo, log, orderPaid, privateNats, tagOf, testMongo, type Broker } from './helpers.js';

const RETRY = { baseDelayMs: 50, maxDelayMs: 200, maxDeliver: 3 };

let nats: NatsInstance;
let broker: Broker;
let conn: Connection;
let Outbox: Model<OutboxDoc>;
let consumer: RunningConsumer;
/** Every delivery the consumer handled, in order. */
const received: EventEnvelope<'shop.order.paid.v1'>[] = [];

beforeAll(async () => {
  nats = await privateNats();
  broker = await connectBroker(nats.url);
  conn = await testMongo('events_outbox');
  Outbox = createOutboxModel(conn);
  await ensureIndexes([Outbox as unknown as Model<never>]);
  consumer = await startConsumer({
    nc: broker.nc,
    subject: 'shop.order.paid.v1',
    durable: 'test--order-paid',
    deliverPolicy: DeliverPolicy.New,
    retry: RETRY,
    log,
    handler: (event) => {
      received.push(event);
      return Promise.resolve();
    },
  });
});

afterAll(async () => {
  await consumer?.stop();
  await broker?.nc.drain();
  await nats?.stop();
  await dropMongo(conn);
});

const receivedIds = (tag: string) => received.filter((e) => e.correlationId === tag).map((e) => e.id);
const storedCount = async () => (await broker.jsm.streams.info('ORDERS')).state.messages;

describe('outbox relay', () => {
  it('publishes a record written while no relay ran, then marks it', async () => {
    const tag = tagOf('late');
    const event = orderPaid(tag);
    await Outbox.create(outboxDoc(event));
    const relay = startOutboxRelay({ store: mongoOutboxStore(Outbox), js: broker.js, log, intervalMs: 50 });
    try {
      await waitFor('the event to be consumed', () => receivedIds(tag).length === 1);
      expect(receivedIds(tag)).toEqual([event.id]);
      await waitFor('the record to be marked', async () => (await Outbox.findById(event.id).lean())?.publishedAt);
      const doc = await Outbox.findById(event.id).lean();
      expect(doc?.publishedAt).toBeInstanceOf(Date);
      expect(doc?.event).toEqual(event);
    } finally {
      await relay.stop();
    }
  });

  it('delivers exactly once when a crash between publish and mark makes the relay publish the record again', async () => {
    const tag = tagOf('crash');
    const event = orderPaid(tag);
    await Outbox.create(outboxDoc(event));
    const before = await storedCount();

    // Relay 1 publishes, then "crashes" before recording it.
    const real = mongoOutboxStore(Outbox);
    let publishedByFirst = 0;
    const crashing: OutboxStore = {
      ...real,
      pending: (n) => real.pending(n),
      markPublished: () => {
        publishedByFirst++;
        return Promise.reject(new Error('simulated crash between publish and mark'));
      },
    };
    const first = startOutboxRelay({ store: crashing, js: broker.js, log, intervalMs: 60_000 });
    await waitFor('relay 1 to publish', () => publishedByFirst >= 1);
    await first.stop();
    expect((await Outbox.findById(event.id).lean())?.publishedAt).toBeNull();
    expect(await storedCount()).toBe(before + 1);

    // Relay 2 (the restarted process) finds the record still pending and publishes it again.
    const second = startOutboxRelay({ store: real, js: broker.js, log, intervalMs: 60_000 });
    await second.flush();
    await second.stop();
    expect((await Outbox.findById(event.id).lean())?.publishedAt).toBeInstanceOf(Date);
    expect(await storedCount()).toBe(before + 1); // JetStream dropped the second copy (same Nats-Msg-Id)

    // A later event is delivered after anything still in flight for the first one (one consumer, in order).
    const sentinel = orderPaid(tag);
    await Outbox.create(outboxDoc(sentinel));
    const third = startOutboxRelay({ store: real, js: broker.js, log, intervalMs: 50 });
    await waitFor('the sentinel', () => receivedIds(tag).includes(sentinel.id));
    await third.stop();
    expect(receivedIds(tag)).toEqual([event.id, sentinel.id]);
  });

  it('publishes in write order, promptly on kick(), and leaves nothing pending', async () => {
    const tag = tagOf('order');
    // A long poll interval: only kick() can make this fast.
    const relay = startOutboxRelay({ store: mongoOutboxStore(Outbox), js: broker.js, log, intervalMs: 60_000, batch: 2 });
    try {
      await relay.flush();
      const events = Array.from({ length: 5 }, () => orderPaid(tag));
      const t0 = Date.now();
      for (const [i, e] of events.entries()) await Outbox.create(outboxDoc(e, new Date(t0 + i)));
      relay.kick();
      await waitFor('all five events', () => receivedIds(tag).length === 5, { timeoutMs: 10_000 });
      expect(receivedIds(tag)).toEqual(events.map((e) => e.id));
      // The relay marks a record published after JetStream acknowledges it, so the subscriber may see the
      // last event a moment before its record is marked: wait for that, well inside the 60 s poll interval.
      await waitFor('every record marked published', async () => (await Outbox.countDocuments({ publishedAt: null })) === 0, {
        timeoutMs: 10_000,
      });
    } finally {
      await relay.stop();
    }
  });

  it('quarantines 100 records that break their contract and publishes the valid one behind them', async () => {
    const tag = tagOf('bad');
    const t0 = Date.now() - 60_000;
    // A whole batch (the default 100) of invalid records at the head of the outbox, oldest first.
    const bad = Array.from({ length: 100 }, (_, i) => {
      const event = { ...orderPaid(tag), data: { orderId: 'not-a-uuid' } } as unknown as EventEnvelope<'shop.order.paid.v1'>;
      return outboxDoc(event, new Date(t0 + i));
    });
    await Outbox.insertMany(bad);
    const good = orderPaid(tag);
    await Outbox.create(outboxDoc(good));
    const relay = startOutboxRelay({ store: mongoOutboxStore(Outbox), js: broker.js, log, intervalMs: 50 });
    try {
      await waitFor('the valid event behind 100 invalid ones', () => receivedIds(tag).includes(good.id), { timeoutMs: 15_000 });
      expect(receivedIds(tag)).toEqual([good.id]);
      const stored = await Outbox.collection.find({ _id: { $in: bad.map((b) => b._id) as never[] } }).toArray();
      expect(stored).toHaveLength(100);
      for (const doc of stored) {
        expect(doc.publishedAt).toBeNull();
        expect(doc.quarantinedAt).toBeInstanceOf(Date);
        expect(doc.quarantineReason).toMatch(/orderId/);
      }
      expect(relay.stats().quarantined).toBe(100);
      const pendingIds = (await mongoOutboxStore(Outbox).pending(1_000)).map((e) => e.id);
      expect(pendingIds.filter((id) => bad.some((b) => b._id === id))).toEqual([]);
      const listed = await listQuarantined(conn.db!);
      expect(
        listed
          .filter((q) => q.collection === 'outbox')
          .map((q) => q.id)
          .sort(),
      ).toEqual(bad.map((b) => b._id).sort());
      // What an operator runs: `npm run outbox -- quarantined` against the service's database.
      const cli = await runScript('packages/events/src/outbox-cli.ts', ['quarantined'], {
        env: { MONGODB_URL: inject('mongoUrl'), MONGODB_DB: conn.name },
      });
      expect(cli.code).toBe(0);
      expect(cli.stdout).toContain(bad[0]!._id);
      expect(cli.stdout).toContain('shop.order.paid.v1');
    } finally {
      await relay.stop();
      await Outbox.deleteMany({ _id: { $in: bad.map((b) => b._id) } });
    }
  });

  it('stop() waits for the batch in flight and then publishes nothing more', async () => {
    const tag = tagOf('stop');
    const real = mongoOutboxStore(Outbox);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    onTestFinished(() => release());
    let marking = 0;
    const slow: OutboxStore = {
      ...real,
      pending: (n) => real.pending(n),
      markPublished: async (id) => {
        marking++;
        await gate;
        await real.markPublished(id);
      },
    };
    const event = orderPaid(tag);
    await Outbox.create(outboxDoc(event));
    const relay = startOutboxRelay({ store: slow, js: broker.js, log, intervalMs: 60_000 });
    await waitFor('the relay to be marking', () => marking === 1);
    let stopped = false;
    const stopping = relay.stop().then(() => (stopped = true));
    await broker.nc.flush();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await Outbox.findById(event.id).lean())?.publishedAt).toBeInstanceOf(Date);

    const after = orderPaid(tag);
    await Outbox.create(outboxDoc(after));
    relay.kick();
    await broker.nc.flush();
    expect((await Outbox.findById(after.id).lean())?.publishedAt).toBeNull();
    await Outbox.deleteOne({ _id: after.id });
  });
});

describe('how the relay finds pending records (docs/design.md §6, "Hot reads")', () => {
  it('flags a record to publish at insert, clears the flag once published, and adopts records written before the flag', async () => {
    const tag = tagOf('flag');
    // A service's own record type: outboxFields derive the flag from `event` and `publishedAt`.
    interface RecordDoc {
      _id: string;
      event: unknown;
      publishedAt: Date | null;
      at: Date;
    }
    const Record = conn.model<RecordDoc>(
      'FlaggedRecord',
      new Schema<RecordDoc>({ _id: String, at: Date, ...outboxFields }, { collection: 'flagged_records', versionKey: false }),
    );
    const now = new Date();
    const toPublish = orderPaid(tag);
    const legacy = orderPaid(tag);
    await Record.create({ _id: 'r1', event: toPublish, publishedAt: null, at: now });
    await Record.create({ _id: 'r2', event: null, publishedAt: now, at: now }); // nothing to publish: born published
    // Written before the flag existed (no `unpublished` field), never published.
    await Record.collection.insertOne({
      _id: 'r0' as never,
      event: legacy,
      publishedAt: null,
      quarantinedAt: null,
      at: new Date(now.getTime() - 1),
    });
    const flags = async () =>
      Object.fromEntries((await Record.collection.find({}).toArray()).map((d) => [String(d._id), d.unpublished as unknown]));
    expect(await flags()).toEqual({ r0: undefined, r1: true, r2: false });

    const store = mongoOutboxStore(Record, { orderField: 'at' });
    expect((await store.pending(10)).map((e) => e.id)).toEqual(['r1']); // only flagged records are read

    const relay = startOutboxRelay({ store, js: broker.js, log, intervalMs: 60_000 });
    try {
      await relay.flush();
      await waitFor('both events consumed', () => receivedIds(tag).length === 2);
      expect(receivedIds(tag)).toEqual([legacy.id, toPublish.id]); // the adopted one is older: it goes first
      expect(await flags()).toEqual({ r0: false, r1: false, r2: false });
      expect(await store.pending(10)).toEqual([]);
      relay.kick();
      await relay.flush();
      expect(receivedIds(tag)).toEqual([legacy.id, toPublish.id]); // each exactly once
    } finally {
      await relay.stop();
    }
  });
});
