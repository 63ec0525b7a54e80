import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection, Model } from 'mongoose';
import { ensureIndexes } from '@shop/kit';
import { freePort, testTmpDir, waitFor, type NatsInstance } from '@shop/harness';
import {
  createOutboxModel,
  insertOnce,
  mongoOutboxStore,
  outboxDoc,
  startConsumer,
  startOutboxRelay,
  type OutboxDoc,
  type OutboxRelay,
  type RunningConsumer,
} from '../src/index.js';
import {
  connectBroker,
  dropMongo,
  log,
  notesModel,
  orderPaid,
  privateNats,
  tagOf,
  testMongo,
  type Broker,
  type NoteDoc,
} from './helpers.js';

/**
 * The broker goes away mid-run and comes back on the same port with the same store: events written
 * meanwhile are published when it is back, nothing stored before is lost, and each has one effect.
 */
describe('NATS restart', () => {
  let dir: string;
  let port: number;
  let nats: NatsInstance;
  let broker: Broker;
  let conn: Connection;
  let Outbox: Model<OutboxDoc>;
  let Notes: Model<NoteDoc>;
  let relay: OutboxRelay | undefined;
  let consumer: RunningConsumer | undefined;
  let handled = 0;

  beforeAll(async () => {
    dir = testTmpDir('shop-events-restart-');
    port = await freePort();
    nats = await privateNats(port, dir);
    broker = await connectBroker(nats.url, 'events-restart');
    conn = await testMongo('events_restart');
    Outbox = createOutboxModel(conn);
    await ensureIndexes([Outbox as unknown as Model<never>]);
    Notes = await notesModel(conn);
  });

  afterAll(async () => {
    await relay?.stop();
    await consumer?.stop();
    await broker?.nc.close();
    await nats?.stop();
    await dropMongo(conn);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loses no event when the server is stopped and restarted mid-run', async () => {
    const tag = tagOf('restart');
    const store = mongoOutboxStore(Outbox);
    let publishFailures = 0;
    relay = startOutboxRelay({
      store: { ...store, pending: (n) => store.pending(n), markPublished: (id) => store.markPublished(id) },
      js: {
        publish: (...args: Parameters<Broker['js']['publish']>) =>
          broker.js.publish(...args).catch((err: unknown) => {
            publishFailures++;
            throw err;
          }),
      } as Broker['js'],
      log,
      intervalMs: 100,
      publishTimeoutMs: 1_000,
    });
    consumer = await startConsumer({
      nc: broker.nc,
      subject: 'shop.order.paid.v1',
      durable: 'test--restart',
      concurrency: 4,
      retry: { baseDelayMs: 50, maxDelayMs: 500, maxDeliver: 20 },
      log,
      handler: async (event) => {
        handled++;
        await insertOnce(Notes, { _id: event.id, orderId: event.data.orderId, sourceEventId: event.id, text: 'paid', at: new Date() });
      },
    });
    const write = async (n: number) => {
      const events = Array.from({ length: n }, () => orderPaid(tag));
      for (const e of events) await Outbox.create(outboxDoc(e));
      relay?.kick();
      return events;
    };

    const before = await write(10);
    await waitFor('the first ten to be handled', async () => (await Notes.countDocuments()) === 10);

    const inFlight = await write(5); // written just before the broker goes away: some may not be published yet
    await nats.stop();
    expect(broker.nc.isClosed()).toBe(false);
    const whileDown = await write(10);
    await waitFor('the relay to fail to publish twice', () => publishFailures >= 2);
    expect(await Outbox.countDocuments({ publishedAt: null })).toBeGreaterThanOrEqual(whileDown.length);

    nats = await privateNats(port, dir);
    const all = [...before, ...inFlight, ...whileDown];
    await waitFor('every event to be handled after the restart', async () => (await Notes.countDocuments()) === all.length, {
      timeoutMs: 45_000,
    });

    const notes = await Notes.find().lean();
    expect(notes.map((n) => n._id).sort()).toEqual(all.map((e) => e.id).sort());
    // The relay marks a record after JetStream acknowledged it, so a consumer can handle the event
    // before its mark lands: wait for the marks rather than read them once.
    await waitFor('the relay to mark every record published', async () => (await Outbox.countDocuments({ publishedAt: null })) === 0, {
      timeoutMs: 30_000,
    });
    expect(handled).toBeGreaterThanOrEqual(all.length);
    // Stored once each: the relay's retries after the outage were dropped as duplicates.
    const orders = await broker.jsm.streams.info('ORDERS', { subjects_filter: 'shop.order.paid.v1' });
    expect(orders.state.subjects?.['shop.order.paid.v1']).toBe(all.length);
  }, 90_000);
});
