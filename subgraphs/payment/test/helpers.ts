import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { jetstreamManager, type JetStreamManager, type MsgRequest } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, parseAnyEvent, type AnyEvent, type EventSubject } from '@shop/events';
import { createLogger, type Caller } from '@shop/kit';
import { ADMIN, GUEST, startBroker, testDbName, type NatsInstance, graphqlClient, graphqlData } from '@shop/harness';
import * as product from '@shop/product';
import * as cart from '@shop/cart';
import * as order from '@shop/order';
import * as psp from '@shop/payment-sandbox';
import { loadConfig } from '../src/config.js';
import { attachPaymentEvents, startPaymentReconciler, startPaymentService, type StartedPaymentService } from '../src/server.js';
import type { PaymentEvents } from '../src/events.js';

const log = (name: string) => createLogger(name, process.env.TEST_LOG_LEVEL ?? 'silent');
export const PSP_API_KEY = 'test-only-psp-api-key-0123456789';
export const PSP_WEBHOOK_SECRET = 'test-only-psp-webhook-secret-0123';

export interface Services {
  product: product.StartedProductService;
  cart: cart.StartedCartService;
  order: order.StartedOrderService;
  payment: StartedPaymentService;
  psp: psp.RunningSandbox;
  nats: NatsInstance;
  nc: NatsConnection;
  jsm: JetStreamManager;
  paymentEvents: PaymentEvents;
  /** null when started with `productEvents: false` (nothing confirms reservations on order.placed). */
  productEvents: product.ProductEvents | null;
  orderEvents: order.OrderEvents;
  /** Restarts the payment sandbox on its port: it forgets every payment and pending webhook. */
  restartSandbox: () => Promise<void>;
  /** Stops the payment sandbox (connections to its port are refused until `startSandbox`). */
  stopSandbox: () => Promise<void>;
  /** Starts a fresh payment sandbox on the port it had. */
  startSandbox: () => Promise<void>;
  close: () => Promise<void>;
}

type Env = Record<string, string>;

/** Per-service environment overrides, and whether product's consumers run at all. */
export interface ServicesOptions {
  product?: Env;
  order?: Env;
  payment?: Env;
  sandbox?: Env;
  productEvents?: boolean;
}

/**
 * product, cart, order, the payment sandbox and payment in this process on free ports, each with a
 * fresh database, with the event side of product, order and payment on a nats-server of this file's
 * own (the durable consumer names are the production ones).
 */
export async function startServices(o: ServicesOptions = {}): Promise<Services> {
  const common = { NODE_ENV: 'test', PORT: '0', MONGODB_URL: inject('mongoUrl') };
  const nats = await startBroker('test');
  const natsEnv = {
    NATS_URL: nats.url,
    RETRY_BASE_DELAY_MS: '50',
    RETRY_MAX_DELAY_MS: '200',
    RETRY_BUDGET: '550ms',
    OUTBOX_INTERVAL: '200ms',
  };
  const productConfig = product.loadConfig({ ...common, ...natsEnv, MONGODB_DB: testDbName('pay_product'), ...o.product });
  const productService = await product.startProductService(productConfig, log('product'));
  const cartService = await cart.startCartService(
    cart.loadConfig({ ...common, MONGODB_DB: testDbName('pay_cart'), PRODUCT_URL: productService.url }),
    log('cart'),
  );
  const orderConfig = order.loadConfig({
    ...common,
    ...natsEnv,
    MONGODB_DB: testDbName('pay_order'),
    CART_URL: cartService.url,
    PRODUCT_URL: productService.url,
    ...o.order,
  });
  const orderService = await order.startOrderService(orderConfig, log('order'));
  const sandboxConfig = psp.loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    PSP_API_KEY,
    PSP_WEBHOOK_SECRET,
    SANDBOX_SETTLE_DELAY_MS: '30',
    SANDBOX_WEBHOOK_RETRY_BASE_MS: '50',
    ...o.sandbox,
  });
  let sandbox = await psp.startSandbox(sandboxConfig, log('payment-sandbox'));
  const paymentConfig = loadConfig({
    ...common,
    ...natsEnv,
    MONGODB_DB: testDbName('payment'),
    ORDER_URL: orderService.url,
    PRODUCT_URL: productService.url,
    PSP_URL: sandbox.url,
    PSP_API_KEY,
    PSP_WEBHOOK_SECRET,
    PSP_RETRY_BASE_MS: '20',
    ...o.payment,
  });
  const paymentService = await startPaymentService(paymentConfig, log('payment'));
  const nc = await connectNats(nats.url, 'payment-test', log('nats'));
  const productEvents =
    o.productEvents === false ? null : await product.attachProductEvents(productService, nc, productConfig, log('product'));
  const orderEvents = await order.attachOrderEvents(orderService, nc, orderConfig, log('order'));
  const paymentEvents = await attachPaymentEvents(paymentService, nc, paymentConfig, log('payment'));
  const stopReconciler = startPaymentReconciler(paymentService, paymentConfig, log('payment'));
  const services: Services = {
    product: productService,
    cart: cartService,
    order: orderService,
    payment: paymentService,
    psp: sandbox,
    stopSandbox: () => sandbox.close(),
    startSandbox: async () => {
      sandbox = await psp.startSandbox(sandboxConfig, log('payment-sandbox'), sandbox.port);
      services.psp = sandbox;
    },
    restartSandbox: async () => {
      await services.stopSandbox();
      await services.startSandbox();
    },
    nats,
    nc,
    jsm: await jetstreamManager(nc),
    paymentEvents,
    productEvents,
    orderEvents,
    close: async () => {
      await stopReconciler();
      await paymentEvents.stop();
      await orderEvents.stop();
      await productEvents?.stop();
      await nc.drain();
      await paymentService.close();
      await sandbox.close();
      await orderService.close();
      await cartService.close();
      await productService.close();
      await nats.stop();
    },
  };
  return services;
}

/** The data of a call that must succeed, as `caller` (a guest by default). */
export const gql = <T = any>(url: string, query: string, variables: Record<string, unknown>, caller: Caller = GUEST): Promise<T> =>
  graphqlData(graphqlClient(url, caller)<T>(query, variables));

/** A new ACTIVE product priced 1000 with `stock` units; returns its id. */
export async function createProduct(s: Services, stock = 50): Promise<string> {
  const created = await gql(
    s.product.url,
    `mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }`,
    {
      input: {
        sku: `PI-${randomUUID().slice(0, 8).toUpperCase()}`,
        name: `P ${randomUUID()}`,
        description: 't',
        price: 1000,
        categorySlugs: [],
        initialStock: stock,
      },
    },
    ADMIN,
  );
  return created.createProduct.product.id as string;
}

/** A guest cart of `quantity` × the product, checked out; returns the order id and total. */
export async function checkoutProduct(s: Services, productId: string, quantity = 1): Promise<{ id: string; total: number }> {
  const c = await gql(s.cart.url, `mutation ($input: CreateCartInput) { createCart(input: $input) { cart { id } } }`, {
    input: { lines: [{ productId, quantity }] },
  });
  const o = await gql(
    s.order.url,
    `mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id total { amount } } userErrors { code message } } }`,
    {
      input: {
        cartId: c.createCart.cart.id,
        email: 'a@example.com',
        shippingAddress: { name: 'A', line1: 'L', city: 'C', postalCode: '1', country: 'GB' },
        idempotencyKey: randomUUID(),
      },
    },
  );
  if (!o.checkout.order) throw new Error(`checkout failed: ${JSON.stringify(o.checkout.userErrors)}`);
  return { id: o.checkout.order.id, total: o.checkout.order.total.amount };
}

/** A product, a guest cart of it and the checked-out order; returns the order id and total. */
export async function placeOrder(s: Services, quantity = 1): Promise<{ id: string; total: number }> {
  return checkoutProduct(s, await createProduct(s), quantity);
}

/** The payment sandbox's test routes (sandboxes/payment/README.md), with the API key. */
export async function sandboxGet<T = any>(s: Services, path: string): Promise<T> {
  const res = await fetch(`${s.psp.url}/v1${path}`, { headers: { authorization: `Bearer ${PSP_API_KEY}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export const PAY = `mutation ($input: PayOrderInput!) { payOrder(input: $input) {
  payment { id status providerReference refundedAmount { amount } failureCode nextActionUrl }
  userErrors { code message field } } }`;

export async function pay(
  s: Services,
  orderId: string,
  paymentToken: string,
  idempotencyKey: string = randomUUID(),
  caller: Caller = GUEST,
) {
  return (await gql(s.payment.url, PAY, { input: { orderId, paymentToken, idempotencyKey } }, caller)).payOrder as {
    payment: {
      id: string;
      status: string;
      providerReference: string | null;
      refundedAmount: { amount: number };
      failureCode: string | null;
      nextActionUrl: string | null;
    } | null;
    userErrors: { code: string }[];
  };
}

/** Every event of `subject` about one order in its stream (this file's own nats-server). */
export async function eventsOf(s: Services, subject: EventSubject, orderId: string): Promise<AnyEvent[]> {
  const stream = subject.startsWith('shop.payment.') ? 'PAYMENTS' : 'ORDERS';
  const out: AnyEvent[] = [];
  let seq = 1;
  for (;;) {
    const sm = await s.jsm.streams.getMessage(stream, { seq, next_by_subj: subject } as unknown as MsgRequest);
    if (!sm) break;
    out.push(parseAnyEvent(JSON.parse(new TextDecoder().decode(sm.data))));
    seq = sm.seq + 1;
  }
  return out.filter((e) => (e.data as { orderId?: string }).orderId === orderId);
}
