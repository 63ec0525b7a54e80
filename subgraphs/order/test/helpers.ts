import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type MsgRequest } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  connectNats,
  createEvent,
  parseAnyEvent,
  type AnyEvent,
  type EventData,
  type EventEnvelope,
  type EventSubject,
} from '@shop/events';
import { createLogger, type Caller } from '@shop/kit';
import {
  ADMIN,
  graphqlClient as client,
  graphqlData as ok,
  GUEST,
  startBroker,
  testDbName,
  waitFor,
  type Gql,
  type NatsInstance,
} from '@shop/harness';
import * as product from '@shop/product';
import * as cart from '@shop/cart';
import { loadConfig } from '../src/config.js';
import { attachOrderEvents, startOrderService, type StartedOrderService } from '../src/server.js';
import type { OrderEvents } from '../src/events.js';

const log = (name: string) => createLogger(name, process.env.TEST_LOG_LEVEL ?? 'silent');

/** Small retry settings so poison messages reach the DLQ quickly. */
const EVENTS_ENV = { RETRY_BASE_DELAY_MS: '50', RETRY_MAX_DELAY_MS: '200', RETRY_BUDGET: '150ms' };

export interface Services {
  product: product.StartedProductService;
  cart: cart.StartedCartService;
  order: StartedOrderService;
  /** Present unless started with `events: false`. */
  nats?: NatsInstance;
  nc?: NatsConnection;
  js?: JetStreamClient;
  jsm?: JetStreamManager;
  orderEvents?: OrderEvents;
  productEvents?: product.ProductEvents;
  /** With `replicas: true`: a second product, cart and order service on the same databases, as another process would be. */
  replica?: { product: product.StartedProductService; cart: cart.StartedCartService; order: StartedOrderService };
  close: () => Promise<void>;
}

/**
 * product, cart and order in this process on free ports, each with a fresh database, plus (unless
 * `events: false`) the NATS half of order and product on a nats-server of this test file's own: the
 * event subjects and durable consumer names are the production ones, so on the project-wide server
 * another file's product consumer would take this file's events (and confirm or release nothing).
 */
export async function startServices(
  opts: { events?: boolean; orderEnv?: Record<string, string>; replicas?: boolean } = {},
): Promise<Services> {
  const common = { NODE_ENV: 'test', PORT: '0', MONGODB_URL: inject('mongoUrl') };
  const withEvents = opts.events !== false;
  const nats = withEvents ? await startBroker('test') : undefined;
  const natsEnv = nats ? { NATS_URL: nats.url, ...EVENTS_ENV } : {};
  const productConfig = product.loadConfig({ ...common, ...natsEnv, MONGODB_DB: testDbName('order_product') });
  const productService = await product.startProductService(productConfig, log('product'));
  const cartConfig = cart.loadConfig({ ...common, MONGODB_DB: testDbName('order_cart'), PRODUCT_URL: productService.url });
  const cartService = await cart.startCartService(cartConfig, log('cart'));
  const orderConfig = loadConfig({
    ...common,
    ...natsEnv,
    MONGODB_DB: testDbName('order'),
    CART_URL: cartService.url,
    PRODUCT_URL: productService.url,
    OUTBOX_INTERVAL: '200ms',
    ...opts.orderEnv,
  });
  const orderService = await startOrderService(orderConfig, log('order'));
  const replica = opts.replicas ? await startReplicas(productConfig, cartConfig, orderConfig) : undefined;
  const services: Services = {
    product: productService,
    cart: cartService,
    order: orderService,
    replica,
    close: async () => {
      await replica?.order.close();
      await replica?.cart.close();
      await replica?.product.close();
      await services.orderEvents?.stop();
      await services.productEvents?.stop();
      await services.nc?.drain();
      await orderService.close();
      await cartService.close();
      await productService.close();
      await nats?.stop();
    },
  };
  if (nats) {
    const nc = await connectNats(nats.url, 'order-test', log('nats'));
    Object.assign(services, { nats, nc, js: jetstream(nc), jsm: await jetstreamManager(nc) });
    services.productEvents = await product.attachProductEvents(productService, nc, productConfig, log('product'));
    services.orderEvents = await attachOrderEvents(orderService, nc, orderConfig, log('order'));
  }
  return services;
}

/** A second product → cart → order chain on the databases of the first (no NATS part: the first publishes and consumes). */
async function startReplicas(
  productConfig: product.ProductConfig,
  cartConfig: cart.CartConfig,
  orderConfig: ReturnType<typeof loadConfig>,
): Promise<NonNullable<Services['replica']>> {
  const p = await product.startProductService(productConfig, log('product-replica'));
  const c = await cart.startCartService({ ...cartConfig, PRODUCT_URL: p.url }, log('cart-replica'));
  const o = await startOrderService({ ...orderConfig, CART_URL: c.url, PRODUCT_URL: p.url }, log('order-replica'));
  return { product: p, cart: c, order: o };
}

export { client, ok, type Gql };

let seq = 0;
/** An ACTIVE product with stock, created through the product API as an admin. */
export async function createProduct(s: Services, input: { price?: number; initialStock?: number } = {}): Promise<string> {
  seq++;
  const data = await ok(
    client(s.product.url, ADMIN)(
      `mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code message } } }`,
      {
        input: {
          sku: `ORD-${seq}-${randomUUID().slice(0, 8).toUpperCase()}`,
          name: `Order product ${seq}`,
          description: 'test',
          price: 1000,
          categorySlugs: [],
          initialStock: 100,
          ...input,
        },
      },
    ),
  );
  const id = data.createProduct?.product?.id as string | undefined;
  if (!id) throw new Error(`createProduct failed: ${JSON.stringify(data)}`);
  return id;
}

export async function archiveProduct(s: Services, id: string): Promise<void> {
  await ok(client(s.product.url, ADMIN)(`mutation ($id: ID!) { archiveProduct(id: $id) { userErrors { code } } }`, { id }));
}

/** Units available now, as the catalog reports them. */
export async function available(s: Services, productId: string): Promise<number> {
  const data = await ok(
    client(s.product.url, ADMIN)(`query ($id: ID!) { product(id: $id) { availability { available } } }`, { id: productId }),
  );
  return data.product.availability.available as number;
}

/** The product's stock movements that belong to `orderId` (ledger entries, not tombstones). */
export async function movementsOf(s: Services, orderId: string) {
  return s.product.models.Movement.find({ orderId, version: { $gt: 0 } })
    .sort({ version: 1 })
    .lean();
}

/** Creates a cart as `caller` (a guest by default) through the cart API; returns its id. */
export async function newCart(s: Services, lines: { productId: string; quantity: number }[], caller: Caller = GUEST): Promise<string> {
  const data = await ok(
    client(s.cart.url)(
      `mutation ($input: CreateCartInput) { createCart(input: $input) { cart { id } userErrors { code message } } }`,
      { input: { lines } },
      caller,
    ),
  );
  const payload = data.createCart as { cart: { id: string } | null; userErrors: unknown[] };
  if (!payload.cart || payload.userErrors.length) throw new Error(`createCart: ${JSON.stringify(payload)}`);
  return payload.cart.id;
}

export async function cartStatus(s: Services, cartId: string): Promise<string | null> {
  const data = await ok(client(s.cart.url, ADMIN)(`query ($id: ID!) { cart(id: $id) { status } }`, { id: cartId }));
  return (data.cart?.status as string | undefined) ?? null;
}

export const ADDRESS = { name: 'Ada Lovelace', line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };

export const ORDER_FIELDS = /* GraphQL */ `
  id number status email phone createdAt updatedAt
  lines { product { id } sku name quantity unitPrice { amount currency } lineTotal { amount currency } }
  subtotal { amount currency } tax { amount currency } total { amount currency }
  shippingAddress { name line1 line2 city region postalCode country }
  tracking { carrier trackingNumber }
  timeline { status at note }`;
const PAYLOAD = `{ order { ${ORDER_FIELDS} } userErrors { code message field } }`;

export const OPS = {
  order: `query ($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`,
  checkout: `mutation ($input: CheckoutInput!) { checkout(input: $input) ${PAYLOAD} }`,
  cancel: `mutation ($id: ID!, $reason: String) { cancelOrder(id: $id, reason: $reason) ${PAYLOAD} }`,
  ship: `mutation ($id: ID!, $carrier: String!, $trackingNumber: String!) { shipOrder(id: $id, carrier: $carrier, trackingNumber: $trackingNumber) ${PAYLOAD} }`,
  deliver: `mutation ($id: ID!) { markOrderDelivered(id: $id) ${PAYLOAD} }`,
  myOrders: `query ($first: Int, $after: String) { myOrders(first: $first, after: $after) { edges { cursor node { id number status } } pageInfo { hasNextPage endCursor } totalCount } }`,
  orders: `query ($first: Int, $after: String, $status: OrderStatus) { orders(first: $first, after: $after, status: $status) { edges { cursor node { id number status } } pageInfo { hasNextPage endCursor } totalCount } }`,
};

export interface OrderView {
  id: string;
  number: string;
  status: string;
  email: string;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
  lines: {
    product: { id: string };
    sku: string;
    name: string;
    quantity: number;
    unitPrice: { amount: number; currency: string };
    lineTotal: { amount: number };
  }[];
  subtotal: { amount: number; currency: string };
  tax: { amount: number };
  total: { amount: number; currency: string };
  shippingAddress: Record<string, string | null>;
  tracking: { carrier: string; trackingNumber: string } | null;
  timeline: { status: string; at: string; note: string | null }[];
}
export interface Payload {
  order: OrderView | null;
  userErrors: { code: string; message: string; field: string[] | null }[];
}

/** The payload of an order mutation; fails the test on a GraphQL error. */
export async function mutate(
  s: Services,
  op: 'checkout' | 'cancel' | 'ship' | 'deliver',
  variables: Record<string, unknown>,
  caller: Caller = GUEST,
): Promise<Payload> {
  const data = await ok(client(s.order.url)(OPS[op], variables, caller));
  return Object.values(data)[0] as Payload;
}

export function checkoutInput(cartId: string, extra: Record<string, unknown> = {}) {
  return { input: { cartId, email: 'ada@example.com', shippingAddress: ADDRESS, idempotencyKey: randomUUID(), ...extra } };
}

/** A cart with `lines` checked out as `caller`; returns the new order (fails the test otherwise). */
export async function placeOrder(
  s: Services,
  lines: { productId: string; quantity: number }[],
  caller: Caller = GUEST,
): Promise<OrderView> {
  const cartId = await newCart(s, lines, caller);
  const payload = await mutate(s, 'checkout', checkoutInput(cartId), caller);
  if (!payload.order || payload.userErrors.length) throw new Error(`checkout: ${JSON.stringify(payload)}`);
  return payload.order;
}

/** Every event of `subject` in its stream, oldest first (the test's own nats-server). */
export async function streamEvents<S extends EventSubject>(s: Services, subject: S, stream = 'ORDERS'): Promise<AnyEvent[]> {
  const out: AnyEvent[] = [];
  let seq = 1;
  for (;;) {
    // nats-server 2.9 answers STREAM.MSG.GET with next_by_subj (see @shop/events dlq.ts).
    const sm = await s.jsm!.streams.getMessage(stream, { seq, next_by_subj: subject } as unknown as MsgRequest);
    if (!sm) return out;
    out.push(parseAnyEvent(JSON.parse(new TextDecoder().decode(sm.data))));
    seq = sm.seq + 1;
  }
}

/** Events of `subject` about one order. */
export async function orderEvents<S extends EventSubject>(s: Services, subject: S, orderId: string) {
  return (await streamEvents(s, subject, subject.startsWith('shop.payment.') ? 'PAYMENTS' : 'ORDERS')).filter(
    (e) => (e.data as { orderId?: string }).orderId === orderId,
  );
}

/** Waits until exactly `n` events of `subject` about the order are in the stream. */
export function waitForEvents<S extends EventSubject>(s: Services, subject: S, orderId: string, n = 1) {
  return waitFor(`${n} ${subject} for ${orderId}`, async () => {
    const found = await orderEvents(s, subject, orderId);
    return found.length >= n ? found : undefined;
  });
}

/** Publishes an event as its publisher would (msgID = event id unless given). */
export async function publish<S extends EventSubject>(
  s: Services,
  subject: S,
  data: EventData<S>,
  opts: { msgID?: string; event?: EventEnvelope<S> } = {},
): Promise<{ event: EventEnvelope<S>; seq: number }> {
  const event = opts.event ?? createEvent(subject, data, { source: 'test', correlationId: `test-${randomUUID()}` });
  const ack = await s.js!.publish(event.type, JSON.stringify(event), { msgID: opts.msgID ?? event.id });
  return { event, seq: ack.seq };
}

/** Waits until the durable consumer has acked (or terminated) everything up to stream sequence `seq`. */
export function waitForAck(s: Services, stream: string, durable: string, seq: number) {
  return waitFor(`${durable} to settle message ${seq}`, async () => {
    const info = await s.jsm!.consumers.info(stream, durable);
    return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0 ? info : undefined;
  });
}
