import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type PubAck } from '@nats-io/jetstream';
import { connectMongo, createLogger, ensureIndexes, type Logger } from '@shop/kit';
import { startNats, testDbName, testTmpDir, type NatsInstance } from '@shop/harness';
import { createEvent, ensureStreams, HEADERS, type EventEnvelope } from '../src/index.js';

export const log: Logger = createLogger('events-test', process.env.TEST_LOG_LEVEL ?? 'silent');

/**
 * A nats-server of this test file's own. The contract subjects are shared by every service, so on the
 * project-wide server our test events would reach other suites' consumers (and theirs ours).
 */
export async function privateNats(port?: number, dir?: string): Promise<NatsInstance> {
  // A directory we create is ours to remove on stop; a given one (restarts on the same store) is the caller's.
  const own = dir === undefined;
  const base = dir ?? testTmpDir('shop-events-nats-');
  const nats = await startNats({ storeDir: join(base, 'store'), logFile: join(base, 'nats.log'), port });
  return {
    ...nats,
    stop: async () => {
      await nats.stop();
      if (own) rmSync(base, { recursive: true, force: true });
    },
  };
}

export interface Broker {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

export async function connectBroker(url: string, name = 'events-test'): Promise<Broker> {
  const nc = await connect({ servers: url, name, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
  return { nc, js: jetstream(nc), jsm };
}

export async function testMongo(prefix: string): Promise<Connection> {
  return connectMongo(inject('mongoUrl'), testDbName(prefix));
}

export async function dropMongo(conn: Connection | undefined): Promise<void> {
  if (!conn) return;
  if (conn.readyState === mongoose.ConnectionStates.connected) await conn.dropDatabase();
  await conn.close();
}

/**
 * The consumer-side idempotency pattern of docs/design.md §6: the handler's state change (here a payment
 * note on an order's timeline) carries the id of the event it came from under a unique index.
 */
export interface NoteDoc {
  _id: string;
  orderId: string;
  sourceEventId: string;
  text: string;
  at: Date;
}

export async function notesModel(conn: Connection): Promise<Model<NoteDoc>> {
  const schema = new Schema<NoteDoc>(
    {
      _id: { type: String, required: true },
      orderId: { type: String, required: true },
      sourceEventId: { type: String, required: true },
      text: { type: String, required: true },
      at: { type: Date, required: true },
    },
    { versionKey: false, autoIndex: false },
  );
  schema.index({ sourceEventId: 1 }, { unique: true });
  const model = conn.model<NoteDoc>('Note', schema, 'notes');
  await ensureIndexes([model as unknown as Model<never>]);
  return model;
}

/** A valid `payment.succeeded` event tagged with `tag` as its correlation id. */
export function paymentSucceeded(tag: string, amount = 1999): EventEnvelope<'shop.payment.succeeded.v1'> {
  return createEvent(
    'shop.payment.succeeded.v1',
    { paymentId: randomUUID(), orderId: randomUUID(), amount, currency: 'USD', providerReference: `ch_${tag}` },
    { source: 'payment', correlationId: tag },
  );
}

export function orderPaid(tag: string): EventEnvelope<'shop.order.paid.v1'> {
  return createEvent(
    'shop.order.paid.v1',
    { orderId: randomUUID(), number: 'SO-2026-000001', paymentId: randomUUID(), total: 1999, currency: 'USD' },
    { source: 'order', correlationId: tag },
  );
}

/** Publishes raw bytes the way a publisher would (msgID, correlation header); for poison and duplicates. */
export function publishRaw(js: JetStreamClient, subject: string, body: string, msgID: string, correlationId: string): Promise<PubAck> {
  const h = natsHeaders();
  h.set(HEADERS.correlationId, correlationId);
  return js.publish(subject, body, { msgID, headers: h, timeout: 5_000 });
}

export const tagOf = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;
