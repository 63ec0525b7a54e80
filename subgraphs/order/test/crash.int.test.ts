import { rmSync } from 'node:fs';
import { join } from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, type AnyEvent } from '@shop/events';
import { createLogger } from '@shop/kit';
import { ADMIN, freePort, ManagedProcess, ROOT, startNats, testDbName, testTmpDir, waitFor, type NatsInstance } from '@shop/harness';
import * as product from '@shop/product';
import * as cart from '@shop/cart';
import { createModels, type OrderModels } from '../src/model.js';
import { available, checkoutInput, createProduct, mutate, newCart, orderEvents, type OrderView, type Services } from './helpers.js';

/**
 * Real crashes (docs/design.md §6): the order service runs as its own process from its
 * composition root (src/index.ts) and is killed with SIGKILL; nats-server is a process of this file's own,
 * stopped and started again on the same port and store. Product and cart run in this process, with
 * product's consumers (confirm on order.placed, release on order.cancelled) on the same nats-server.
 *
 * "Killed after writing, before publishing" without failpoints: NATS is stopped, so the relay cannot
 * publish; the mutation's response proves the record was written; then the process is killed. The order
 * service cannot start without NATS (connectNats rejects on the first connect), so NATS comes back
 * before the new process starts — after checking the event is not on the stream yet.
 */

const ENTRY = 'subgraphs/order/src/index.ts';
const NODE_ARGS = ['--conditions=shop-source', '--import', 'tsx', ENTRY];
const EVENTS_ENV = { RETRY_BASE_DELAY_MS: '50', RETRY_MAX_DELAY_MS: '200', RETRY_BUDGET: '150ms' };
const log = (name: string) => createLogger(name, process.env.TEST_LOG_LEVEL ?? 'silent');

let tmp: string;
let natsPort: number;
let natsUrl: string;
let nats: NatsInstance | undefined;
let natsStarts = 0;
let nc: NatsConnection | undefined;
let jsm: JetStreamManager;
let productService: product.StartedProductService | undefined;
let productEvents: product.ProductEvents | undefined;
let cartService: cart.StartedCartService | undefined;
let conn: Connection | undefined;
let models: OrderModels;
const orderDb = testDbName('crash_order');
let orderProc: ManagedProcess | undefined;
let orderStarts = 0;
let orderUrl = '';

/** What the helpers read: product.url, cart.url, order.url (the current order process) and jsm. */
let s: Services;

async function startBrokerHere(): Promise<void> {
  natsStarts++;
  nats = await startNats({ storeDir: join(tmp, 'store'), logFile: join(tmp, `nats-${natsStarts}.log`), port: natsPort });
}

async function stopBroker(): Promise<void> {
  await nats!.stop();
  expect(nats!.process!.alive).toBe(false);
}

/** After a restart: this file's connection is back and JetStream answers (the stream survived). */
async function brokerBack(): Promise<void> {
  await waitFor('NATS reconnected and ORDERS answering', async () => (await jsm.streams.info('ORDERS')).config.name === 'ORDERS', {
    timeoutMs: 30_000,
    intervalMs: 100,
  });
}

/** Starts `node … subgraphs/order/src/index.ts` on a fresh port; resolves when /readyz includes NATS. */
async function startOrderProcess(): Promise<ManagedProcess> {
  orderStarts++;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    MONGODB_URL: inject('mongoUrl'),
    MONGODB_DB: orderDb,
    NATS_URL: natsUrl,
    PRODUCT_URL: productService!.url,
    CART_URL: cartService!.url,
    OUTBOX_INTERVAL: '200ms',
    ...EVENTS_ENV,
  };
  const proc = new ManagedProcess('order', process.execPath, NODE_ARGS, join(tmp, `order-${orderStarts}.log`), env, ROOT);
  orderProc = proc;
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    `order process #${orderStarts} ready with NATS`,
    async () => {
      const res = await fetch(`${base}/readyz`);
      const body = (await res.json()) as { checks?: Record<string, boolean> };
      return res.ok && body.checks?.nats === true;
    },
    { timeoutMs: 60_000, intervalMs: 100, failFast: () => proc.deathNotice() },
  );
  orderUrl = `${base}/graphql`;
  return proc;
}

async function ensureOrderProcess(): Promise<ManagedProcess> {
  return orderProc?.alive ? orderProc : startOrderProcess();
}

async function killOrderProcess(): Promise<void> {
  const proc = orderProc!;
  await proc.kill('SIGKILL');
  expect(proc.exitSignal).toBe('SIGKILL');
}

async function checkout(lines: { productId: string; quantity: number }[]): Promise<OrderView> {
  const cartId = await newCart(s, lines);
  const payload = await mutate(s, 'checkout', checkoutInput(cartId));
  expect(payload.userErrors).toEqual([]);
  expect(payload.order?.status).toBe('PENDING_PAYMENT');
  return payload.order!;
}

async function cancel(orderId: string): Promise<void> {
  const payload = await mutate(s, 'cancel', { id: orderId, reason: 'crash test' }, ADMIN);
  expect(payload.userErrors).toEqual([]);
  expect(payload.order?.status).toBe('CANCELLED');
}

/** The event stored in the order document (the order.placed outbox entry) and whether it was published. */
async function placedRecord(orderId: string) {
  const doc = await models.Order.findById(orderId).lean();
  return { event: doc!.event as AnyEvent, publishedAt: doc!.publishedAt };
}

/** The CANCELLED transition of the order (its order.cancelled outbox entry). */
async function cancelledRecords(orderId: string) {
  const docs = await models.Transition.find({ orderId, status: 'CANCELLED' }).lean();
  return docs.map((d) => ({ event: d.event as AnyEvent, publishedAt: d.publishedAt }));
}

const placedOnStream = (orderId: string) => orderEvents(s, 'shop.order.placed.v1', orderId);
const cancelledOnStream = (orderId: string) => orderEvents(s, 'shop.order.cancelled.v1', orderId);

const releasesOf = (orderId: string) => productService!.models.Movement.countDocuments({ orderId, kind: 'RELEASE' });
const decisionOf = async (orderId: string) => (await productService!.models.ReservationDecision.findById(orderId).lean())?.decision;

beforeAll(async () => {
  tmp = testTmpDir('order-crash-');
  natsPort = await freePort();
  natsUrl = `nats://127.0.0.1:${natsPort}`;
  await startBrokerHere();
  nc = await connectNats(natsUrl, 'order-crash-test', log('nats'));
  jsm = await jetstreamManager(nc);

  const common = { NODE_ENV: 'test', PORT: '0', MONGODB_URL: inject('mongoUrl') };
  const productConfig = product.loadConfig({ ...common, NATS_URL: natsUrl, ...EVENTS_ENV, MONGODB_DB: testDbName('crash_product') });
  productService = await product.startProductService(productConfig, log('product'));
  cartService = await cart.startCartService(
    cart.loadConfig({ ...common, MONGODB_DB: testDbName('crash_cart'), PRODUCT_URL: productService.url }),
    log('cart'),
  );
  // Streams are provisioned here (ensureStreams), and product's durable consumers exist before any event.
  productEvents = await product.attachProductEvents(productService, nc, productConfig, log('product'));

  conn = await mongoose.createConnection(inject('mongoUrl'), { dbName: orderDb }).asPromise();
  models = createModels(conn);

  const p = productService;
  const c = cartService;
  s = {
    product: p,
    cart: c,
    get order() {
      return { url: orderUrl };
    },
    get jsm() {
      return jsm;
    },
  } as unknown as Services;
});

afterAll(async () => {
  // Every step runs even when an earlier one fails; NATS may be down if a test failed mid-way.
  const steps: [string, () => Promise<unknown>][] = [
    ['order process', async () => orderProc?.stop()],
    ['product consumers', async () => productEvents?.stop()],
    ['nats connection', async () => (nats?.process?.alive ? nc?.drain() : nc?.close())],
    ['product', async () => productService?.close()],
    ['cart', async () => cartService?.close()],
    ['order db connection', async () => conn?.close()],
    ['nats-server', async () => nats?.stop()],
  ];
  for (const [, step] of steps) await step().catch(() => {});
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the order service killed (SIGKILL) after writing a state change, before publishing', () => {
  it('checkout: after a restart order.placed is published exactly once and product confirms the reservation', async () => {
    await ensureOrderProcess();
    const productId = await createProduct(s, { initialStock: 10 });

    await stopBroker();
    const order = await checkout([{ productId, quantity: 2 }]);
    // The response came after the one insert: the order and its order.placed are in the outbox, unpublished.
    const written = await placedRecord(order.id);
    expect(written.event.type).toBe('shop.order.placed.v1');
    expect(written.publishedAt).toBeNull();
    await killOrderProcess();

    await startBrokerHere();
    await brokerBack();
    // Nobody published it: the process that wrote it is dead.
    expect(await placedOnStream(order.id)).toEqual([]);
    expect(await decisionOf(order.id)).toBeUndefined();
    expect((await placedRecord(order.id)).publishedAt).toBeNull();

    await startOrderProcess();
    await waitFor('the new process to publish and mark order.placed', async () => (await placedRecord(order.id)).publishedAt, {
      timeoutMs: 30_000,
    });
    const placed = await placedOnStream(order.id);
    expect(placed).toHaveLength(1);
    expect(placed[0]!.id).toBe(written.event.id); // the event of the outbox record, not a new one
    await waitFor('product to confirm the reservation', async () => (await decisionOf(order.id)) === 'CONFIRMED');
    expect(await available(s, productId)).toBe(8);
    expect(await releasesOf(order.id)).toBe(0);
  });

  it('cancelOrder: after a restart order.cancelled is published exactly once and product releases the stock once', async () => {
    await ensureOrderProcess();
    const productId = await createProduct(s, { initialStock: 10 });
    const order = await checkout([{ productId, quantity: 3 }]);
    await waitFor('order.placed published', async () => (await placedRecord(order.id)).publishedAt);
    await waitFor('product to confirm the reservation', async () => (await decisionOf(order.id)) === 'CONFIRMED');
    expect(await available(s, productId)).toBe(7);

    await stopBroker();
    await cancel(order.id);
    const written = await cancelledRecords(order.id);
    expect(written).toHaveLength(1);
    expect(written[0]!.event.type).toBe('shop.order.cancelled.v1');
    expect(written[0]!.publishedAt).toBeNull();
    await killOrderProcess();

    await startBrokerHere();
    await brokerBack();
    expect(await cancelledOnStream(order.id)).toEqual([]);
    expect(await placedOnStream(order.id)).toHaveLength(1); // survived the broker restart
    expect(await releasesOf(order.id)).toBe(0);
    expect(await available(s, productId)).toBe(7);

    await startOrderProcess();
    await waitFor('the new process to publish and mark order.cancelled', async () => (await cancelledRecords(order.id))[0]!.publishedAt, {
      timeoutMs: 30_000,
    });
    const cancelled = await cancelledOnStream(order.id);
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]!.id).toBe(written[0]!.event.id);
    expect(await placedOnStream(order.id)).toHaveLength(1); // order.placed was not sent again
    await waitFor('product to release the stock', async () => (await available(s, productId)) === 10);
    expect(await releasesOf(order.id)).toBe(1);
  });
});

describe('NATS stopped and restarted while the order service runs', () => {
  it('loses no event: what was written before, during and after the outage is on the stream exactly once', async () => {
    const proc = await ensureOrderProcess();
    const pid = proc.pid;
    const productId = await createProduct(s, { initialStock: 100 });
    const cancelledIds = new Set<string>();
    const orders: { id: string; quantity: number }[] = [];
    const place = async (quantity: number) => {
      const o = await checkout([{ productId, quantity }]);
      orders.push({ id: o.id, quantity });
      return o.id;
    };
    const cancelIt = async (id: string) => {
      await cancel(id);
      cancelledIds.add(id);
    };

    // before: published normally
    const a1 = await place(1);
    const a2 = await place(2);
    await cancelIt(a1);
    await waitFor('phase A published', async () => {
      const done = await Promise.all([placedRecord(a1), placedRecord(a2), cancelledRecords(a1)]);
      return done[0].publishedAt && done[1].publishedAt && done[2][0]?.publishedAt;
    });

    // during the outage: written, not publishable
    await stopBroker();
    const b1 = await place(3);
    const b2 = await place(1);
    const b3 = await place(2);
    await cancelIt(b2);
    await cancelIt(a2);
    for (const id of [b1, b2, b3]) expect((await placedRecord(id)).publishedAt).toBeNull();
    for (const id of [b2, a2]) expect((await cancelledRecords(id))[0]!.publishedAt).toBeNull();

    // after: the broker is back (same port, same store); more traffic right away, before the service reconnects
    await startBrokerHere();
    const c1 = await place(1);
    await place(4); // c2, kept
    await cancelIt(c1);
    await brokerBack();

    await waitFor(
      'every record published and marked',
      async () => {
        for (const { id } of orders) {
          if (!(await placedRecord(id)).publishedAt) return false;
          const t = await cancelledRecords(id);
          if (t.length !== (cancelledIds.has(id) ? 1 : 0) || t.some((r) => !r.publishedAt)) return false;
        }
        return true;
      },
      { timeoutMs: 45_000, intervalMs: 200 },
    );
    expect(proc.alive).toBe(true);
    expect(orderProc!.pid).toBe(pid); // the same process throughout: it rode out the outage

    expect(orders).toHaveLength(7);
    for (const { id } of orders) {
      const placed = await placedOnStream(id);
      expect(placed, `order.placed of ${id}`).toHaveLength(1);
      expect(placed[0]!.id).toBe((await placedRecord(id)).event.id);
      const cancelled = await cancelledOnStream(id);
      expect(cancelled, `order.cancelled of ${id}`).toHaveLength(cancelledIds.has(id) ? 1 : 0);
      if (cancelledIds.has(id)) expect(cancelled[0]!.id).toBe((await cancelledRecords(id))[0]!.event.id);
    }

    // consumers got them: every reservation confirmed, cancelled ones released once, stock adds up
    const kept = orders.filter((o) => !cancelledIds.has(o.id)).reduce((n, o) => n + o.quantity, 0);
    expect(kept).toBe(3 + 2 + 4);
    await waitFor(
      'product to settle every order',
      async () => {
        for (const { id } of orders) {
          if ((await decisionOf(id)) !== 'CONFIRMED') return false;
          if ((await releasesOf(id)) !== (cancelledIds.has(id) ? 1 : 0)) return false;
        }
        return (await available(s, productId)) === 100 - kept;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    for (const durable of ['product--order-placed', 'product--order-cancelled']) {
      const info = await jsm.consumers.info('ORDERS', durable);
      expect(info.num_pending, durable).toBe(0);
      expect(info.num_ack_pending, durable).toBe(0);
    }
    expect((await jsm.streams.info('DLQ')).state.messages).toBe(0);
  });
});
