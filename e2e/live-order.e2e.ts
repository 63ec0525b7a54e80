import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { sampleSum, scrapeMetrics, startBroker, waitFor, type NatsInstance } from '@shop/harness';
import * as gateway from '@shop/gateway';
import { createLogger } from '@shop/kit';
import {
  CancelOrderDocument,
  CheckoutDocument,
  CreateCartDocument,
  OrderDocument,
  OrderInvoiceDocument,
  PayOrderDocument,
} from './__generated__/operations.js';
import { openSse, opened, type SseStream } from './support/sse.js';
import { bearer, startStack, type Stack } from './support/stack.js';

/**
 * Issue 13 §1: `GET /orders/{id}/events` on the gateway, fed from NATS, authorized like `order(id)`.
 * A real stack (subgraphs, payment sandbox, NATS); the gateway's limits are set low so they can be hit.
 */
let nats: NatsInstance;
let stack: Stack;
let base: string;
let olga: Record<string, string>;
let bob: Record<string, string>;
const open: SseStream[] = [];

const address = { name: 'Olga', line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'DE' };
const eventsUrl = (orderId: string, b = base) => `${b}/orders/${orderId}/events`;

async function placeOrder(who: Record<string, string>): Promise<string> {
  const product = await stack.createProduct({ price: 1500, initialStock: 10 });
  const cart = (await stack.gql(CreateCartDocument, { input: { lines: [{ productId: product.id, quantity: 1 }] } }, who)).data!.createCart
    .cart!;
  const input = { cartId: cart.id, email: 'olga@example.com', shippingAddress: address, idempotencyKey: randomUUID() };
  return (await stack.gql(CheckoutDocument, { input }, who)).data!.checkout.order!.id;
}

async function stream(orderId: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const s = opened(await openSse(eventsUrl(orderId), headers));
  open.push(s);
  return s;
}

const openStreams = async (b = base) => sampleSum(await scrapeMetrics(b), 'gateway_sse_streams_open');
const data = (s: SseStream, event: string) =>
  s.messages.filter((m) => m.event === event).map((m) => JSON.parse(m.data) as Record<string, unknown>);

/** Consumers per stream on the broker (the services' durables plus the gateway's three ordered ones). */
async function natsConsumers(): Promise<Record<string, number>> {
  const jsm = await jetstreamManager(stack.events!.nc);
  const counts: Record<string, number> = {};
  for (const name of ['ORDERS', 'PAYMENTS', 'INVOICES']) counts[name] = (await jsm.streams.info(name)).state.consumer_count;
  return counts;
}

async function payAndWaitPaid(orderId: string, who: Record<string, string>) {
  const paid = await stack.gql(PayOrderDocument, { input: { orderId, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } }, who);
  expect(paid.data?.payOrder.userErrors).toEqual([]);
  await waitFor(`order ${orderId} PAID`, async () => (await stack.gql(OrderDocument, { id: orderId }, who)).data?.order?.status === 'PAID');
}

beforeAll(async () => {
  nats = await startBroker('test');
  stack = await startStack(inject('mongoUrl'), nats.url, {
    gateway: { SSE_MAX_STREAMS: '8', SSE_MAX_STREAMS_PER_CALLER: '3', SSE_HEARTBEAT: '1s' },
  });
  base = stack.gatewayUrl.replace(/\/graphql$/, '');
  olga = bearer(await stack.token(`olga-${randomUUID()}`, 'customer'));
  bob = bearer(await stack.token(`bob-${randomUUID()}`, 'customer'));
}, 180_000);

// Each test starts with no stream open (the limits and the gauge are per gateway).
afterEach(async () => {
  for (const s of open.splice(0)) s.close();
  await waitFor('every stream closed', async () => (await openStreams()) === 0);
});

afterAll(async () => {
  await stack?.close();
  await nats?.stop();
});

describe('GET /orders/{id}/events', () => {
  it('shows the owner order.paid after payment without polling, with only names, ids and times', async () => {
    const orderId = await placeOrder(olga);
    const s = await stream(orderId, olga);
    expect(JSON.parse((await s.next('ready')).data)).toEqual({ orderId, replayed: 0, gap: false });
    await payAndWaitPaid(orderId, olga);
    const paid = await s.next('order.paid');
    expect(JSON.parse(paid.data)).toEqual({ type: 'shop.order.paid.v1', orderId, occurredAt: expect.any(String) });
    expect(paid.id).toMatch(/^o\d+\.p\d+\.i\d+$/);
    await s.next('payment.succeeded');
    // Every event names this order; ids only grow.
    const events = s.messages.filter((m) => m.event !== 'ready');
    expect(events.every((m) => (JSON.parse(m.data) as { orderId: string }).orderId === orderId)).toBe(true);
    expect(new Set(events.map((m) => m.id)).size).toBe(events.length);
    s.close();
  });

  it('answers another customer 404, exactly as for an order that does not exist', async () => {
    const orderId = await placeOrder(olga);
    const other = await openSse(eventsUrl(orderId), bob);
    const unknown = await openSse(eventsUrl(randomUUID()), bob);
    expect([other.status, unknown.status]).toEqual([404, 404]);
    expect('body' in other && other.body).toEqual('body' in unknown && unknown.body);
    // A guest without the order's owner is not its holder either: signed-in orders are not guest orders.
    expect((await openSse(eventsUrl(orderId))).status).toBe(404);
  });

  it('lets a guest holding the id follow their order (a cancellation here)', async () => {
    const orderId = await placeOrder({});
    const s = await stream(orderId);
    await s.next('ready');
    const cancelled = await stack.gql(CancelOrderDocument, { id: orderId, reason: 'changed my mind' }, {});
    expect(cancelled.data?.cancelOrder.userErrors).toEqual([]);
    expect(JSON.parse((await s.next('order.cancelled')).data)).toMatchObject({ type: 'shop.order.cancelled.v1', orderId });
    s.close();
  });

  it('resumes with Last-Event-ID: the events of the disconnect arrive once, none twice', async () => {
    const orderId = await placeOrder(olga);
    const first = await stream(orderId, olga);
    const token = (await first.next('ready')).id!;
    first.close();
    await payAndWaitPaid(orderId, olga);
    // Wait until the invoice service has also reacted, so the gap holds events of all three streams' kinds.
    await waitFor('invoice issued', async () => (await stack.gql(OrderInvoiceDocument, { id: orderId }, olga)).data?.order?.invoice);

    const resumed = await stream(orderId, { ...olga, 'last-event-id': token });
    const ready = JSON.parse((await resumed.next('ready')).data) as { replayed: number; gap: boolean };
    const replayed = resumed.messages.slice(
      0,
      resumed.messages.findIndex((m) => m.event === 'ready'),
    );
    expect(replayed.map((m) => m.event)).toEqual(expect.arrayContaining(['payment.succeeded', 'order.paid', 'invoice.issued']));
    expect(ready).toEqual({ orderId, replayed: replayed.length, gap: false });
    expect(new Set(replayed.map((m) => m.id)).size).toBe(replayed.length);
    expect(data(resumed, 'order.paid')).toHaveLength(1);

    // Resuming from the last id received replays nothing again.
    const lastId = resumed.messages.at(-1)!.id!;
    resumed.close();
    const again = await stream(orderId, { ...olga, 'last-event-id': lastId });
    expect(JSON.parse((await again.next('ready')).data)).toEqual({ orderId, replayed: 0, gap: false });
    expect(again.messages.filter((m) => m.event !== 'ready')).toEqual([]);
    again.close();
  });

  it('refuses a bad order id or resume token with 400', async () => {
    expect((await openSse(`${base}/orders/not-a-uuid/events`, olga)).status).toBe(400);
    expect((await openSse(eventsUrl(randomUUID()), { ...olga, 'last-event-id': 'o1.p2' })).status).toBe(400);
    expect((await openSse(eventsUrl(randomUUID()), { authorization: 'Bearer nonsense' })).status).toBe(401);
  });

  it('sends heartbeats and frees the slot when the client goes away', async () => {
    const orderId = await placeOrder(olga);
    const s = await stream(orderId, olga);
    await waitFor('a heartbeat comment', () => s.comments.includes(' keep-alive') || s.comments.includes('keep-alive'));
    expect(await openStreams()).toBe(1);
    s.close();
    await waitFor('the stream counted as closed', async () => (await openStreams()) === 0);
  });

  it('answers 429 past the streams allowed per caller and per gateway', async () => {
    const admins = await Promise.all([1, 2, 3].map(async (i) => bearer(await stack.token(`admin-${i}-${randomUUID()}`, 'admin'))));
    const orderId = await placeOrder(olga);
    const consumersBefore = await natsConsumers();
    for (let i = 0; i < 3; i++) await stream(orderId, admins[0]);
    const fourth = await openSse(eventsUrl(orderId), admins[0]);
    expect(fourth.status).toBe(429);
    expect('body' in fourth && fourth.body.error).toMatch(/per caller/);
    for (let i = 0; i < 3; i++) await stream(orderId, admins[1]);
    for (let i = 0; i < 2; i++) await stream(orderId, admins[2]);
    const ninth = await openSse(eventsUrl(orderId), admins[2]);
    expect(ninth.status).toBe(429);
    expect('body' in ninth && ninth.body.error).toMatch(/this gateway/);
    expect('headers' in ninth && ninth.headers.get('retry-after')).toBeTruthy();
    expect(await openStreams()).toBe(8);
    // Eight open streams cost no NATS consumer: the gateway's one fan-out serves them all.
    expect(await natsConsumers()).toEqual(consumersBefore);
  });

  it('ends open streams when the gateway shuts down', async () => {
    const gw = await gateway.buildGateway(gateway.loadConfig(stack.gatewayEnv), createLogger('gateway-2', 'warn'));
    const running = await gw.listen(0);
    const orderId = await placeOrder(olga);
    const s = await waitFor('the second gateway follows NATS', async () => {
      const o = await openSse(eventsUrl(orderId, running.url), olga);
      return o.status === 200 && 'stream' in o ? o.stream : undefined;
    });
    await s.next('ready');
    await running.close();
    await waitFor('the stream ended by the server', () => s.ended);
  });
});
