import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '@shop/events';
import { createLogger } from '@shop/kit';
import { testDbName } from '@shop/harness';
import * as product from '@shop/product';
import * as cart from '@shop/cart';
import * as order from '@shop/order';
import * as gateway from '@shop/gateway';
import { countCalls, type CallCounter } from './call-counter.js';

export const JWT_SECRET = 'e2e-only-jwt-secret-0123456789';
const SIGNING_SECRET = 'e2e-only-gateway-signing-secret';

export interface Stack {
  gatewayUrl: string;
  productUrl: string;
  cartUrl: string;
  orderUrl: string;
  /** The HMAC key the gateway signs subgraph calls with, for tests and benchmarks that call a subgraph directly. */
  signingSecret: string;
  product: product.StartedProductService;
  cart: cart.StartedCartService;
  order: order.StartedOrderService;
  /** The NATS half of product and order (consumers, outbox relay); only when started with a NATS URL. */
  events?: { nc: NatsConnection; product: product.ProductEvents; order: order.OrderEvents };
  /** Counts the calls the product subgraph receives (the cart's and the gateway's), per client request. */
  productCalls: CallCounter;
  token: (sub: string, role: 'customer' | 'admin') => Promise<string>;
  close: () => Promise<void>;
}

const log = (name: string) => createLogger(name, process.env.TEST_LOG_LEVEL ?? 'silent');

/**
 * The supergraph as it runs in production, in this process: subgraphs on free ports behind a real
 * gateway, each subgraph with a fresh database on `mongoUrl`. Used by the e2e tests and the benchmarks.
 * With `natsUrl`, also the event side: product's and order's consumers and order's outbox relay. The
 * consumers use the production durable names, so two stacks must not share one nats-server.
 */
export async function startStack(mongoUrl: string, natsUrl?: string): Promise<Stack> {
  const common = { NODE_ENV: 'test', PORT: '0', GATEWAY_SIGNING_SECRET: SIGNING_SECRET };
  const events = natsUrl ? { NATS_URL: natsUrl, RETRY_BASE_DELAY_MS: '100', RETRY_MAX_DELAY_MS: '1000', MAX_DELIVER: '5' } : {};
  const productConfig = product.loadConfig({ ...common, ...events, MONGODB_URL: mongoUrl, MONGODB_DB: testDbName('e2e_product') });
  const productService = await product.startProductService(productConfig, log('product'));
  const productCalls = countCalls(productService.server.httpServer, SIGNING_SECRET);
  const cartService = await cart.startCartService(
    cart.loadConfig({ ...common, MONGODB_URL: mongoUrl, MONGODB_DB: testDbName('e2e_cart'), PRODUCT_URL: productService.url }),
    log('cart'),
  );
  const orderConfig = order.loadConfig({
    ...common,
    ...events,
    MONGODB_URL: mongoUrl,
    MONGODB_DB: testDbName('e2e_order'),
    CART_URL: cartService.url,
    PRODUCT_URL: productService.url,
    OUTBOX_INTERVAL: '200ms',
  });
  const orderService = await order.startOrderService(orderConfig, log('order'));
  let eventSide: Stack['events'];
  if (natsUrl) {
    const nc = await connectNats(natsUrl, 'e2e-stack', log('nats'));
    eventSide = {
      nc,
      product: await product.startProductEvents(productService, { nc, config: productConfig, log: log('product') }),
      order: await order.attachOrderEvents(orderService, nc, orderConfig, log('order')),
    };
  }
  const gw = await gateway.buildGateway(
    gateway.loadConfig({
      ...common,
      JWT_SECRET,
      PRODUCT_URL: productService.url,
      CART_URL: cartService.url,
      ORDER_URL: orderService.url,
      APOLLO_TELEMETRY_DISABLED: '1',
    }),
    log('gateway'),
  );
  const running = await gw.listen(0);
  return {
    gatewayUrl: `${running.url}/graphql`,
    productUrl: productService.url,
    cartUrl: cartService.url,
    orderUrl: orderService.url,
    product: productService,
    cart: cartService,
    order: orderService,
    events: eventSide,
    productCalls,
    signingSecret: SIGNING_SECRET,
    token: (sub, role) => gateway.signDevToken(JWT_SECRET, sub, [role]),
    close: async () => {
      await running.close();
      await eventSide?.order.stop();
      await eventSide?.product.stop();
      await eventSide?.nc.drain();
      await orderService.close();
      await cartService.close();
      productCalls.stop();
      await productService.close();
    },
  };
}

export interface Result<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A GraphQL call through the gateway as a client would make it. */
export async function call<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Result<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as object) };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
