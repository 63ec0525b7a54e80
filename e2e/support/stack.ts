import { createLogger } from '@shop/kit';
import { testDbName } from '@shop/harness';
import * as product from '@shop/product';
import * as cart from '@shop/cart';
import * as gateway from '@shop/gateway';
import { countCalls, type CallCounter } from './call-counter.js';

export const JWT_SECRET = 'e2e-only-jwt-secret-0123456789';
const SIGNING_SECRET = 'e2e-only-gateway-signing-secret';

export interface Stack {
  gatewayUrl: string;
  productUrl: string;
  cartUrl: string;
  /** The HMAC key the gateway signs subgraph calls with, for tests and benchmarks that call a subgraph directly. */
  signingSecret: string;
  product: product.StartedProductService;
  cart: cart.StartedCartService;
  /** Counts the calls the product subgraph receives (the cart's and the gateway's), per client request. */
  productCalls: CallCounter;
  token: (sub: string, role: 'customer' | 'admin') => Promise<string>;
  close: () => Promise<void>;
}

const log = (name: string) => createLogger(name, process.env.TEST_LOG_LEVEL ?? 'silent');

/**
 * The supergraph as it runs in production, in this process: subgraphs on free ports behind a real
 * gateway, each subgraph with a fresh database on `mongoUrl`. Used by the e2e tests and the benchmarks.
 */
export async function startStack(mongoUrl: string): Promise<Stack> {
  const common = { NODE_ENV: 'test', PORT: '0', GATEWAY_SIGNING_SECRET: SIGNING_SECRET };
  const productService = await product.startProductService(
    product.loadConfig({ ...common, MONGODB_URL: mongoUrl, MONGODB_DB: testDbName('e2e_product') }),
    log('product'),
  );
  const productCalls = countCalls(productService.server.httpServer, SIGNING_SECRET);
  const cartService = await cart.startCartService(
    cart.loadConfig({ ...common, MONGODB_URL: mongoUrl, MONGODB_DB: testDbName('e2e_cart'), PRODUCT_URL: productService.url }),
    log('cart'),
  );
  const gw = await gateway.buildGateway(
    gateway.loadConfig({
      ...common,
      JWT_SECRET,
      PRODUCT_URL: productService.url,
      CART_URL: cartService.url,
      APOLLO_TELEMETRY_DISABLED: '1',
    }),
    log('gateway'),
  );
  const running = await gw.listen(0);
  return {
    gatewayUrl: `${running.url}/graphql`,
    productUrl: productService.url,
    cartUrl: cartService.url,
    product: productService,
    cart: cartService,
    productCalls,
    signingSecret: SIGNING_SECRET,
    token: (sub, role) => gateway.signDevToken(JWT_SECRET, sub, [role]),
    close: async () => {
      await running.close();
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
