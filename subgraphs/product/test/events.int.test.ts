import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, createEvent, listDeadLetters, type EventData, type EventSubject } from '@shop/events';
import { createLogger } from '@shop/kit';
import { ORDER_SERVICE, startBroker, waitFor, type NatsInstance } from '@shop/harness';
import type { ProductEvents } from '../src/events.js';
import { attachProductEvents, type StartedProductService } from '../src/server.js';
import { client, createProduct, startProduct } from './helpers.js';

// A nats-server of this file's own: the durable consumer names are the production ones.
let nats: NatsInstance;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
let svc: StartedProductService;
let events: ProductEvents;
let gql: ReturnType<typeof client>;
const log = createLogger('product', 'silent');

beforeAll(async () => {
  nats = await startBroker('test');
  const env = { NATS_URL: nats.url, RETRY_BASE_DELAY_MS: '50', RETRY_MAX_DELAY_MS: '200', RETRY_BUDGET: '150ms' };
  svc = await startProduct(env);
  nc = await connectNats(nats.url, 'product-test', log);
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  events = await attachProductEvents(svc, nc, { RETRY_BASE_DELAY_MS: 50, RETRY_MAX_DELAY_MS: 200, RETRY_BUDGET: 150 }, log);
  gql = client(svc.url);
});
afterAll(async () => {
  await events?.stop();
  await nc?.drain();
  await svc?.close();
  await nats?.stop();
});

const RESERVE = `mutation ($orderId: ID!, $lines: [ReservationLineInput!]!) { reserveStock(orderId: $orderId, lines: $lines) { ok state code } }`;
const available = async (id: string) =>
  (await gql(`query ($id: ID!) { product(id: $id) { availability { available } } }`, { id })).data!.product.availability
    .available as number;

async function publish<S extends EventSubject>(subject: S, data: EventData<S>, msgID?: string) {
  const event = createEvent(subject, data, { source: 'order', correlationId: randomUUID() });
  const ack = await js.publish(subject, JSON.stringify(event), { msgID: msgID ?? event.id });
  return { event, seq: ack.seq };
}

const settled = (durable: string, seq: number) =>
  waitFor(`${durable} to settle ${seq}`, async () => {
    const info = await jsm.consumers.info('ORDERS', durable);
    return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0 ? info : undefined;
  });

const placed = (orderId: string, productId: string, quantity: number): EventData<'shop.order.placed.v1'> => ({
  orderId,
  number: 'SO-2026-000001',
  email: 'ada@example.com',
  lines: [{ productId, sku: 'SKU', name: 'Thing', unitPrice: 100, quantity, lineTotal: 100 * quantity }],
  subtotal: 100 * quantity,
  tax: 20 * quantity,
  total: 120 * quantity,
  currency: 'USD',
});
const cancelled = (orderId: string, productId: string, quantity: number): EventData<'shop.order.cancelled.v1'> => ({
  orderId,
  number: 'SO-2026-000001',
  reason: 'changed my mind',
  wasPaid: false,
  lines: [{ productId, quantity }],
  email: 'ada@example.com',
});

describe('product consumes order events', () => {
  it('confirms a reservation on shop.order.placed.v1, so the reservation sweeper no longer releases it', async () => {
    const p = await createProduct(svc.url, { initialStock: 10 });
    const orderId = randomUUID();
    expect((await gql(RESERVE, { orderId, lines: [{ productId: p, quantity: 3 }] }, ORDER_SERVICE)).data!.reserveStock.ok).toBe(true);
    const { seq } = await publish('shop.order.placed.v1', placed(orderId, p, 3));
    await settled('product--order-placed', seq);
    expect((await svc.models.ReservationDecision.findById(orderId).lean())!.decision).toBe('CONFIRMED');
    expect(await svc.reservations.sweep(0, new Date(Date.now() + 3_600_000))).toBe(0);
    expect(await available(p)).toBe(7);
  });

  it('releases the stock of a cancelled order once, however often the event arrives', async () => {
    const p = await createProduct(svc.url, { initialStock: 10 });
    const orderId = randomUUID();
    await gql(RESERVE, { orderId, lines: [{ productId: p, quantity: 4 }] }, ORDER_SERVICE);
    await publish('shop.order.placed.v1', placed(orderId, p, 4));
    const data = cancelled(orderId, p, 4);
    const first = await publish('shop.order.cancelled.v1', data);
    // the same event again under other msgIDs (a redelivery past the duplicate window), two at a time
    await Promise.all([
      js.publish('shop.order.cancelled.v1', JSON.stringify(first.event), { msgID: `again-1:${first.event.id}` }),
      js.publish('shop.order.cancelled.v1', JSON.stringify(first.event), { msgID: `again-2:${first.event.id}` }),
    ]);
    const last = await js.publish('shop.order.cancelled.v1', JSON.stringify(first.event), { msgID: `again-3:${first.event.id}` });
    await settled('product--order-cancelled', last.seq);
    expect(await available(p)).toBe(10);
    const movements = await svc.models.Movement.find({ orderId, version: { $gt: 0 } })
      .sort({ version: 1 })
      .lean();
    expect(movements.map((m) => [m.kind, m.quantity, m.reason])).toEqual([
      ['RESERVATION', -4, null],
      ['RELEASE', 4, 'order cancelled: changed my mind'],
    ]);
    expect(await listDeadLetters(jsm, { consumer: 'product--order-cancelled' })).toEqual([]);
  });

  it('dead-letters events it can never act on, with the reason, and changes nothing', async () => {
    const p = await createProduct(svc.url, { initialStock: 5 });
    const ghost = await publish('shop.order.cancelled.v1', cancelled(randomUUID(), p, 1));
    const expired = randomUUID();
    await gql(RESERVE, { orderId: expired, lines: [{ productId: p, quantity: 2 }] }, ORDER_SERVICE);
    await svc.reservations.sweep(0, new Date(Date.now() + 3_600_000)); // released: nobody confirmed it in time
    const late = await publish('shop.order.placed.v1', placed(expired, p, 2));
    const poison = await js.publish('shop.order.cancelled.v1', '{"not": "an event"}', { msgID: randomUUID() });

    await waitFor('three dead letters', async () => ((await listDeadLetters(jsm)).length >= 3 ? true : undefined));
    const letters = (await listDeadLetters(jsm)).map((d) => ({ consumer: d.consumer, kind: d.kind, error: d.error, seq: d.originalSeq }));
    expect(letters).toEqual(
      expect.arrayContaining([
        {
          consumer: 'product--order-cancelled',
          kind: 'permanent',
          error: expect.stringContaining('RESERVATION_NOT_FOUND'),
          seq: ghost.seq,
        },
        { consumer: 'product--order-placed', kind: 'permanent', error: expect.stringContaining('reservation expired'), seq: late.seq },
        { consumer: 'product--order-cancelled', kind: 'invalid', error: expect.any(String), seq: poison.seq },
      ]),
    );
    expect(await available(p)).toBe(5);
  });
});
