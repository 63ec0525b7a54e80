import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '@shop/events';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  connectMongo,
  createLogger,
  developmentSigner,
  formatSignerKeys,
  generateSigner,
  parseSignerKeys,
  SIGNER_NAMES,
  type Signer,
  type SignerKeys,
} from '@shop/kit';
import { testDbName, UNLIMITED_GATEWAY_RATES } from '@shop/harness';
import * as product from '@shop/product';
import * as cart from '@shop/cart';
import * as order from '@shop/order';
import * as payment from '@shop/payment';
import * as invoice from '@shop/invoice';
import * as psp from '@shop/payment-sandbox';
import * as gateway from '@shop/gateway';
import { randomUUID } from 'node:crypto';
import { CreateProductDocument, type CreateProductInput } from '../__generated__/operations.js';
import { countCalls, type CallCounter } from './call-counter.js';

export const JWT_SECRET = 'e2e-only-jwt-secret-0123456789';
/** The payment sandbox's API key and webhook secret in the stack (the payment service uses the same). */
export const PSP_API_KEY = 'e2e-only-psp-api-key-0123456789';
export const PSP_WEBHOOK_SECRET = 'e2e-only-psp-webhook-secret-0123';

export interface Stack {
  gatewayUrl: string;
  productUrl: string;
  cartUrl: string;
  orderUrl: string;
  paymentUrl: string;
  /**
   * The gateway's signer, for tests and benchmarks that call a subgraph directly as the gateway would.
   * Every service in the stack runs on its development key pair (the defaults outside production).
   */
  signer: Signer;
  /** The public keys the subgraphs trust, to read the contexts they receive. */
  signerKeys: SignerKeys;
  /**
   * A second, uncommitted gateway key the subgraphs trust too (as while a key is rotated): what a
   * gateway started with NODE_ENV=production signs with, since production refuses committed keys.
   */
  productionGatewaySigner: Signer;
  product: product.StartedProductService;
  cart: cart.StartedCartService;
  order: order.StartedOrderService;
  payment: payment.StartedPaymentService;
  invoice: invoice.StartedInvoiceService;
  /** The payment provider's sandbox, in this process on a free port; the payment service's PSP_URL. */
  psp: psp.RunningSandbox;
  /** The NATS half of the services (consumers, outbox relays); only when started with a NATS URL. */
  events?: {
    nc: NatsConnection;
    product: product.ProductEvents;
    cart: cart.CartEvents;
    order: order.OrderEvents;
    payment: payment.PaymentEvents;
    invoice: invoice.InvoiceEvents;
  };
  /** Counts the calls the product subgraph receives (the cart's and the gateway's), per client request. */
  productCalls: CallCounter;
  token: (sub: string, role: 'customer' | 'admin') => Promise<string>;
  /** A typed operation (from e2e/__generated__/operations.ts) through the gateway, as a client sends it. */
  gql: TypedCall;
  /**
   * Creates a product through the gateway as an admin; fields not given get unique or neutral values
   * (sku `E2E-…`, price 1000, stock 10, no categories). Throws with the answer unless it was created.
   */
  createProduct: (fields?: Partial<CreateProductInput>) => Promise<{ id: string; sku: string; name: string }>;
  /** Registers a partner (as `npm run partner -- add` does) and returns its API key. */
  addPartner: (name: string, ops: string[] | 'all') => Promise<string>;
  revokePartner: (name: string) => Promise<void>;
  /** Partner safelist: operation name → persisted-query id. */
  partnerOps: Record<string, string>;
  /** Writes the gateway's partner usage counts now. */
  flushUsage: () => Promise<void>;
  partners: gateway.PartnerModels;
  /** The gateway's environment, for tests that start more gateways over the same subgraphs. */
  gatewayEnv: Record<string, string>;
  close: () => Promise<void>;
}

const log = (name: string) => createLogger(name, process.env.TEST_LOG_LEVEL ?? 'silent');

/**
 * The supergraph as it runs in production, in this process: subgraphs on free ports behind a real
 * gateway, each subgraph with a fresh database on `mongoUrl`. Used by the e2e tests and the benchmarks.
 * With `natsUrl`, also the event side: every subgraph's consumers and outbox relays. The
 * consumers use the production durable names, so two stacks must not share one nats-server.
 */
export interface StackOptions {
  /** Extra environment for the order service (e.g. a short ORDER_PAYMENT_TIMEOUT). */
  order?: Record<string, string>;
  /** Extra environment for the gateway (e.g. low rate limits, REDIS_URL, NODE_ENV=production). */
  gateway?: Record<string, string>;
  /** Builds the gateway without query limits (benchmarks only). */
  gatewayLimits?: boolean;
}

/**
 * The gateway's test settings: limits far above what one test sends from 127.0.0.1 (tests that are
 * about rate limits set their own), and no partner-key cache so a revocation is seen at once.
 */
const GATEWAY_TEST_ENV = { ...UNLIMITED_GATEWAY_RATES, PARTNER_CACHE_TTL: '0' };

export async function startStack(mongoUrl: string, natsUrl?: string, opts: StackOptions = {}): Promise<Stack> {
  const productionGatewaySigner = generateSigner('gateway');
  const trusted = formatSignerKeys([...SIGNER_NAMES.map(developmentSigner), productionGatewaySigner]);
  const signerKeys = parseSignerKeys(trusted);
  const common = { NODE_ENV: 'test', PORT: '0', SIGNER_KEYS: trusted };
  const events = natsUrl ? { NATS_URL: natsUrl, RETRY_BASE_DELAY_MS: '100', RETRY_MAX_DELAY_MS: '1000', RETRY_BUDGET: '1500ms' } : {};
  const productConfig = product.loadConfig({ ...common, ...events, MONGODB_URL: mongoUrl, MONGODB_DB: testDbName('e2e_product') });
  const productService = await product.startProductService(productConfig, log('product'));
  const productCalls = countCalls(productService.server.httpServer, signerKeys);
  const cartConfig = cart.loadConfig({
    ...common,
    ...events,
    MONGODB_URL: mongoUrl,
    MONGODB_DB: testDbName('e2e_cart'),
    PRODUCT_URL: productService.url,
  });
  const cartService = await cart.startCartService(cartConfig, log('cart'));
  const orderConfig = order.loadConfig({
    ...common,
    ...events,
    MONGODB_URL: mongoUrl,
    MONGODB_DB: testDbName('e2e_order'),
    CART_URL: cartService.url,
    PRODUCT_URL: productService.url,
    OUTBOX_INTERVAL: '200ms',
    ...opts.order,
  });
  const orderService = await order.startOrderService(orderConfig, log('order'));
  // The provider's stand-in: fast settlement and webhook retries; each payment names its webhook URL.
  const pspSandbox = await psp.startSandbox(
    psp.loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      PSP_API_KEY,
      PSP_WEBHOOK_SECRET,
      SANDBOX_SETTLE_DELAY_MS: '50',
      SANDBOX_WEBHOOK_DELAY_MS: '1500',
      SANDBOX_WEBHOOK_RETRY_BASE_MS: '100',
      SANDBOX_WEBHOOK_RETRY_MAX_MS: '1000',
    }),
    log('payment-sandbox'),
  );
  const paymentConfig = payment.loadConfig({
    ...common,
    ...events,
    MONGODB_URL: mongoUrl,
    MONGODB_DB: testDbName('e2e_payment'),
    ORDER_URL: orderService.url,
    PRODUCT_URL: productService.url,
    PSP_URL: pspSandbox.url,
    PSP_API_KEY,
    PSP_WEBHOOK_SECRET,
    PSP_RETRY_BASE_MS: '20',
    OUTBOX_INTERVAL: '200ms',
  });
  const paymentService = await payment.startPaymentService(paymentConfig, log('payment'));
  const invoiceConfig = invoice.loadConfig({
    ...common,
    ...events,
    MONGODB_URL: mongoUrl,
    MONGODB_DB: testDbName('e2e_invoice'),
    ORDER_URL: orderService.url,
    OUTBOX_INTERVAL: '200ms',
  });
  const invoiceService = await invoice.startInvoiceService(invoiceConfig, log('invoice'));
  let eventSide: Stack['events'];
  // Sweepers run as in production: the payment timeout cancels unpaid orders (order.cancelled needs NATS).
  const stopOrderSweeper = natsUrl ? order.startOrderSweeper(orderService, orderConfig, log('order')) : async () => {};
  if (natsUrl) {
    const nc = await connectNats(natsUrl, 'e2e-stack', log('nats'));
    eventSide = {
      nc,
      product: await product.attachProductEvents(productService, nc, productConfig, log('product')),
      cart: await cart.attachCartEvents(cartService, nc, cartConfig, log('cart')),
      order: await order.attachOrderEvents(orderService, nc, orderConfig, log('order')),
      payment: await payment.attachPaymentEvents(paymentService, nc, paymentConfig, log('payment')),
      invoice: await invoice.attachInvoiceEvents(invoiceService, nc, invoiceConfig, log('invoice')),
    };
  }
  const gatewayDb = testDbName('e2e_gateway');
  const gatewayEnv: Record<string, string> = {
    ...common,
    JWT_SECRET,
    PRODUCT_URL: productService.url,
    CART_URL: cartService.url,
    ORDER_URL: orderService.url,
    PAYMENT_URL: paymentService.url,
    INVOICE_URL: invoiceService.url,
    APOLLO_TELEMETRY_DISABLED: '1',
    MONGODB_URL: mongoUrl,
    MONGODB_DB: gatewayDb,
    ...GATEWAY_TEST_ENV,
    // The live order feed (GET /orders/{id}/events) follows the stack's NATS when it has one.
    ...(natsUrl ? { NATS_URL: natsUrl } : {}),
    ...opts.gateway,
  };
  const gw = await gateway.buildGateway(gateway.loadConfig(gatewayEnv), log('gateway'), { limits: opts.gatewayLimits });
  const running = await gw.listen(0);
  const gatewayUrl = `${running.url}/graphql`;
  const partnerConn = await connectMongo(mongoUrl, gatewayDb);
  const partners = await gateway.partnerModels(partnerConn);
  const safelist = gateway.loadSafelist();
  // `Invoice.pdfUrl` points at this gateway (its port is known only now; the link is built per request).
  invoiceConfig.PUBLIC_BASE_URL = running.url;
  const gql: TypedCall = (doc, variables, headers = {}) => call(gatewayUrl, print(doc), variables, headers);
  return {
    gatewayUrl,
    productUrl: productService.url,
    cartUrl: cartService.url,
    orderUrl: orderService.url,
    paymentUrl: paymentService.url,
    product: productService,
    cart: cartService,
    order: orderService,
    payment: paymentService,
    invoice: invoiceService,
    psp: pspSandbox,
    events: eventSide,
    productCalls,
    signer: developmentSigner('gateway'),
    signerKeys,
    productionGatewaySigner,
    token: (sub, role) => gateway.signDevToken(JWT_SECRET, sub, [role]),
    gql,
    createProduct: async (fields = {}) => {
      const tag = randomUUID().slice(0, 8);
      const input = {
        sku: `E2E-${tag.toUpperCase()}`,
        name: `E2E item ${tag}`,
        description: 'e2e',
        price: 1000,
        categorySlugs: [],
        initialStock: 10,
        ...fields,
      };
      const admin = { authorization: `Bearer ${await gateway.signDevToken(JWT_SECRET, 'e2e-fixtures', ['admin'])}` };
      const res = await gql(CreateProductDocument, { input }, admin);
      const created = res.data?.createProduct;
      if (res.errors || created?.userErrors.length || !created?.product)
        throw new Error(`createProduct ${input.sku}: ${JSON.stringify(res)}`);
      return { id: created.product.id, sku: input.sku, name: input.name };
    },
    addPartner: async (name, ops) => gateway.addPartner(partners, name, safelist.resolve(ops)),
    revokePartner: async (name) => {
      await gateway.revokePartner(partners, name);
    },
    partnerOps: Object.fromEntries([...safelist.byId.values()].map((op) => [op.name, op.id])),
    flushUsage: () => gw.flushUsage(),
    partners,
    gatewayEnv,
    close: async () => {
      await running.close();
      await partnerConn.close();
      await stopOrderSweeper();
      await eventSide?.invoice.stop();
      await eventSide?.payment.stop();
      await eventSide?.order.stop();
      await eventSide?.product.stop();
      await eventSide?.cart.stop();
      await eventSide?.nc.drain();
      await invoiceService.close();
      await paymentService.close();
      await pspSandbox.close();
      await orderService.close();
      await cartService.close();
      productCalls.stop();
      await productService.close();
    },
  };
}

export type TypedCall = <TData, TVars extends Record<string, unknown>>(
  doc: TypedDocumentNode<TData, TVars>,
  variables: TVars,
  headers?: Record<string, string>,
) => Promise<Result<TData>>;

export interface Result<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; retryable?: boolean } }[];
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

export interface PartnerRequest {
  id: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  /** Query text, which partners may not send (for tests of that refusal). */
  query?: string;
  method?: 'POST' | 'GET';
}

/** A partner's call: `x-api-key` and a persisted-query id, by POST or GET. */
export async function partnerCall<T = any>(url: string, apiKey: string, req: PartnerRequest): Promise<Result<T> & { headers: Headers }> {
  const extensions = { persistedQuery: { version: 1, sha256Hash: req.id } };
  const headers: Record<string, string> = { 'x-api-key': apiKey };
  let res: Response;
  if (req.method === 'GET') {
    const params = new URLSearchParams({ extensions: JSON.stringify(extensions) });
    if (req.operationName) params.set('operationName', req.operationName);
    if (req.variables) params.set('variables', JSON.stringify(req.variables));
    if (req.query) params.set('query', req.query);
    res = await fetch(`${url}?${params.toString()}`, { headers: { ...headers, 'apollo-require-preflight': 'true' } });
  } else {
    res = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ operationName: req.operationName, variables: req.variables ?? {}, extensions, query: req.query }),
    });
  }
  return { status: res.status, headers: res.headers, ...((await res.json()) as object) };
}
