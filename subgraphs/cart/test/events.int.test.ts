import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, createEvent, listDeadLetters, type EventData, type EventEnvelope } from '@shop/events';
import { createLogger, type Caller } from '@shop/kit';
import { ORDER_SERVICE, startBroker, waitFor, type NatsInstance } from '@shop/harness';
import type { CartEvents } from '../src/events.js';
import { attachCartEvents } from '../src/server.js';
import { client, createProduct, expectConsistentLog, mutate, newCart, OPS, startServices, type Gql, type Services } from './helpers.js';

// A nats-server of this file's own: the durable consumer name is the production one.
const DURABLE = 'cart--order-placed';
let nats: NatsInstance;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
let svc: Services;
let events: CartEvents;
let gql: Gql;
let mug: string;
const log = createLogger('cart', process.env.TEST_LOG_LEVEL ?? 'silent');
const customer = (): Caller => ({ kind: 'user', sub: `events-${randomUUID()}`, roles: ['customer'] });

beforeAll(async () => {
  nats = await startBroker('test');
  svc = await startServices({ NATS_URL: nats.url, RETRY_BASE_DELAY_MS: '50', RETRY_MAX_DELAY_MS: '200', RETRY_BUDGET: '150ms' });
  nc = await connectNats(nats.url, 'cart-test', log);
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  events = await attachCartEvents(
    svc.cart,
    nc,
    { RETRY_BASE_DELAY_MS: 50, RETRY_MAX_DELAY_MS: 200, RETRY_BUDGET: 150, HANDLER_TIMEOUT: 120_000 },
    log,
  );
  gql = client(svc.cart.url);
  mug = await createProduct(svc.product, { price: 1250, initialStock: 1000 });
});
afterAll(async () => {
  await events?.stop();
  await nc?.drain();
  await svc?.close();
  await nats?.stop();
});

/** A valid order.placed (built through the contract) for one mug; `cartId: null` leaves it out, as older events do. */
function placed(orderId: string, cartId: string | null): EventEnvelope<'shop.order.placed.v1'> {
  const data: EventData<'shop.order.placed.v1'> = {
    orderId,
    number: 'SO-2026-000001',
    ...(cartId ? { cartId } : {}),
    email: 'ada@example.com',
    lines: [{ productId: mug, sku: 'MUG', name: 'Mug', unitPrice: 1250, quantity: 2, lineTotal: 2500 }],
    subtotal: 2500,
    tax: 500,
    total: 3000,
    currency: 'USD',
  };
  return createEvent('shop.order.placed.v1', data, { source: 'order', correlationId: randomUUID() });
}

/** Publishes `event`; another `msgID` than its id delivers it again (as a redelivery past the duplicate window would). */
async function publish(event: EventEnvelope<'shop.order.placed.v1'>, msgID = event.id): Promise<number> {
  return (await js.publish('shop.order.placed.v1', JSON.stringify(event), { msgID })).seq;
}

/** The consumer acked everything up to `seq` and holds nothing: the event was handled and not retried. */
const settled = (seq: number) =>
  waitFor(`${DURABLE} to ack ${seq}`, async () => {
    const info = await jsm.consumers.info('ORDERS', DURABLE);
    return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0 ? info : undefined;
  });

const deadLettered = async (...seqs: number[]) =>
  (await listDeadLetters(jsm, { consumer: DURABLE })).filter((d) => d.originalSeq !== null && seqs.includes(d.originalSeq));

const stored = async (cartId: string) => {
  const state = await svc.cart.store.get(cartId);
  return { status: state?.status, orderId: state?.orderId, version: state?.version };
};
const statusRecords = async (cartId: string) =>
  (await expectConsistentLog(svc.cart, cartId)).filter((r) => r.kind === 'STATUS').map((r) => [r.status, r.orderId]);

const markedByOrder = async (cartId: string, orderId: string) => {
  const payload = await mutate(gql, 'checkout', { cartId, orderId }, ORDER_SERVICE);
  expect(payload.userErrors).toEqual([]);
};

describe('cart consumes shop.order.placed.v1', () => {
  it("marks the order's ACTIVE cart CHECKED_OUT for that order, as checkout's own call would", async () => {
    const owner = customer();
    const cart = await newCart(gql, [{ productId: mug, quantity: 2 }], owner);
    const orderId = randomUUID();
    const seq = await publish(placed(orderId, cart.id));

    const seen = await waitFor('the cart to read CHECKED_OUT through the API', async () => {
      const res = await gql<{ cart: { status: string; totalQuantity: number } | null }>(OPS.cart, { id: cart.id }, owner);
      return res.data?.cart?.status === 'CHECKED_OUT' ? res.data.cart : undefined;
    });
    expect(seen.totalQuantity).toBe(2); // the lines stay as they were bought
    await settled(seq);
    expect(await stored(cart.id)).toEqual({ status: 'CHECKED_OUT', orderId, version: 2 });
    expect(await statusRecords(cart.id)).toEqual([['CHECKED_OUT', orderId]]);
    // the owner's next cart is a new one: the checked-out cart no longer changes
    expect((await gql(OPS.myCart, {}, owner)).data!.myCart).toBeNull();
    expect((await mutate(gql, 'add', { cartId: cart.id, lines: [{ productId: mug, quantity: 1 }] }, owner)).userErrors[0]!.code).toBe(
      'CART_NOT_ACTIVE',
    );
    expect(await deadLettered(seq)).toEqual([]);
  });

  it('changes the cart once however often the same event arrives', async () => {
    const cart = await newCart(gql, [{ productId: mug, quantity: 1 }]);
    const orderId = randomUUID();
    const event = placed(orderId, cart.id);
    const seqs = await Promise.all([publish(event), publish(event, `again-1:${event.id}`), publish(event, `again-2:${event.id}`)]);
    const last = await publish(event, `again-3:${event.id}`);
    await settled(last);
    expect(await stored(cart.id)).toEqual({ status: 'CHECKED_OUT', orderId, version: 2 });
    expect(await statusRecords(cart.id)).toEqual([['CHECKED_OUT', orderId]]);
    expect(await deadLettered(...seqs, last)).toEqual([]);
  });

  it('acks an event for a cart that checkout already marked for the same order, and changes nothing', async () => {
    const cart = await newCart(gql, [{ productId: mug, quantity: 3 }]);
    const orderId = randomUUID();
    await markedByOrder(cart.id, orderId);
    const before = await stored(cart.id);
    expect(before).toEqual({ status: 'CHECKED_OUT', orderId, version: 2 });

    const seq = await publish(placed(orderId, cart.id));
    await settled(seq);
    expect(await stored(cart.id)).toEqual(before);
    expect(await statusRecords(cart.id)).toEqual([['CHECKED_OUT', orderId]]);
    expect(await deadLettered(seq)).toEqual([]);
  });

  it('ends in one CHECKED_OUT record when the event and checkout’s own call race', async () => {
    const cart = await newCart(gql, [{ productId: mug, quantity: 1 }]);
    const orderId = randomUUID();
    const [seq] = await Promise.all([publish(placed(orderId, cart.id)), markedByOrder(cart.id, orderId), markedByOrder(cart.id, orderId)]);
    await settled(seq);
    expect(await stored(cart.id)).toEqual({ status: 'CHECKED_OUT', orderId, version: 2 });
    expect(await statusRecords(cart.id)).toEqual([['CHECKED_OUT', orderId]]);
  });

  it('leaves a cart checked out by another order as it is, acked, not dead-lettered', async () => {
    const cart = await newCart(gql, [{ productId: mug, quantity: 1 }]);
    const winner = randomUUID();
    await markedByOrder(cart.id, winner);
    const before = await stored(cart.id);

    const seq = await publish(placed(randomUUID(), cart.id));
    await settled(seq);
    expect(await stored(cart.id)).toEqual(before);
    expect(await statusRecords(cart.id)).toEqual([['CHECKED_OUT', winner]]);
    expect(await deadLettered(seq)).toEqual([]);
  });

  it('leaves a MERGED cart as it is, acked, not dead-lettered', async () => {
    const guest = await newCart(gql, [{ productId: mug, quantity: 1 }]);
    const claimed = await mutate(gql, 'claim', { cartId: guest.id }, customer());
    expect(claimed.userErrors).toEqual([]);
    const before = await stored(guest.id);
    expect(before.status).toBe('MERGED');

    const seq = await publish(placed(randomUUID(), guest.id));
    await settled(seq);
    expect(await stored(guest.id)).toEqual(before);
    expect(await deadLettered(seq)).toEqual([]);
  });

  it('acks events naming an unknown cart or no cart at all (published before cartId existed)', async () => {
    const ghost = randomUUID();
    const unknown = await publish(placed(randomUUID(), ghost));
    const older = await publish(placed(randomUUID(), null));
    await settled(Math.max(unknown, older));
    expect(await svc.cart.store.get(ghost)).toBeNull();
    expect(await svc.cart.models.Change.countDocuments({ cartId: ghost })).toBe(0);
    expect(await deadLettered(unknown, older)).toEqual([]);
  });

  it('never retried any of the events above, and dead-letters a message that breaks the contract', async () => {
    expect(events.consumers[0]!.stats()).toMatchObject({ retried: 0, deadLettered: 0 });
    const poison = await js.publish('shop.order.placed.v1', '{"not": "an event"}', { msgID: randomUUID() });
    const [letter] = await waitFor('the poison message in the DLQ', async () => {
      const found = await deadLettered(poison.seq);
      return found.length > 0 ? found : undefined;
    });
    expect(letter).toMatchObject({ consumer: DURABLE, kind: 'invalid', originalSubject: 'shop.order.placed.v1' });
  });

  it('reports NATS in /readyz', () => {
    expect(svc.cart.readiness.map((r) => r.name)).toEqual(['mongodb', 'nats']);
  });
});
