import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type MsgRequest } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, createEvent, parseAnyEvent, type AnyEvent, type EventEnvelope, type EventSubject } from '@shop/events';
import { CONTEXT_HEADER, createLogger, verifyContext, type Caller } from '@shop/kit';
import { priceLines } from '@shop/money';
import {
  GUEST,
  postGraphQL,
  startBroker,
  TEST_SIGNER_KEYS,
  testDbName,
  waitFor,
  type GraphQLResponse,
  type NatsInstance,
} from '@shop/harness';
import { loadConfig, type InvoiceConfig } from '../src/config.js';
import { attachInvoiceEvents, startInvoiceService, type StartedInvoiceService } from '../src/server.js';
import type { InvoiceEvents } from '../src/events.js';
import type { OrderForInvoice } from '../src/services.js';

export const log = (name: string) => createLogger(name, process.env.TEST_LOG_LEVEL ?? 'silent');
export const EVENTS_ENV = { RETRY_BASE_DELAY_MS: '50', RETRY_MAX_DELAY_MS: '200', MAX_DELIVER: '5' };
export const PDF_LINK_SECRET = 'test-only-pdf-link-secret-0123456789';

/**
 * A stand-in for the order subgraph's `order(id)`: it answers only requests signed as `service:invoice`
 * (what the real order service allows, see its access.ts READERS) with the orders the test registered.
 */
export class FakeOrders {
  readonly orders = new Map<string, OrderForInvoice>();
  calls = 0;
  private server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      this.calls++;
      const verified = verifyContext(TEST_SIGNER_KEYS, req.headers[CONTEXT_HEADER] as string | undefined);
      res.setHeader('content-type', 'application/json');
      if (!verified.ok || verified.context.caller.kind !== 'service' || verified.context.caller.service !== 'invoice') {
        res.end(JSON.stringify({ errors: [{ message: 'unauthenticated' }] }));
        return;
      }
      const { variables } = JSON.parse(body) as { variables: { id: string } };
      res.end(JSON.stringify({ data: { order: this.orders.get(variables.id) ?? null } }));
    });
  });
  url = '';

  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
    return this;
  }

  stop() {
    return new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Registers a paid order with `lines` (net unit prices, tax 20 %) and returns it. */
  add(lines: { sku?: string; name?: string; unitPrice: number; quantity: number }[], customerId: string | null = null): OrderForInvoice {
    const id = randomUUID();
    const priced = priceLines(lines, 2000);
    const currency = 'USD';
    const order: OrderForInvoice = {
      id,
      number: `SO-2026-${String(this.orders.size + 1).padStart(6, '0')}`,
      status: 'PAID',
      customerId,
      email: 'ada@example.com',
      shippingAddress: {
        name: 'Ada Lovelace',
        line1: '12 St James Square',
        line2: null,
        city: 'London',
        region: null,
        postalCode: 'SW1Y 4JH',
        country: 'GB',
      },
      lines: lines.map((l, i) => ({
        sku: l.sku ?? `SKU-${i + 1}`,
        name: l.name ?? `Product number ${i + 1}`,
        unitPrice: { amount: l.unitPrice, currency },
        quantity: l.quantity,
        lineTotal: { amount: priced.lines[i]!.lineTotal },
      })),
      subtotal: { amount: priced.subtotal, currency },
      tax: { amount: priced.tax },
      total: { amount: priced.total, currency },
    };
    this.orders.set(id, order);
    return order;
  }
}

export function paidEvent(order: OrderForInvoice): EventEnvelope<'shop.order.paid.v1'> {
  return createEvent(
    'shop.order.paid.v1',
    { orderId: order.id, number: order.number, paymentId: randomUUID(), total: order.total.amount, currency: order.total.currency },
    { source: 'test', correlationId: `test-${randomUUID()}` },
  );
}

export interface Env {
  orders: FakeOrders;
  config: InvoiceConfig;
  invoice: StartedInvoiceService;
  nats?: NatsInstance;
  nc?: NatsConnection;
  js?: JetStreamClient;
  jsm?: JetStreamManager;
  events?: InvoiceEvents;
  close(): Promise<void>;
}

/** The invoice service on a free port with a fresh database, the fake order service and (unless `events: false`) a nats-server of this file's own. */
export async function startEnv(opts: { events?: boolean; env?: Record<string, string> } = {}): Promise<Env> {
  const orders = await new FakeOrders().start();
  const nats = opts.events === false ? undefined : await startBroker('test');
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    MONGODB_URL: inject('mongoUrl'),
    MONGODB_DB: testDbName('invoice'),
    PDF_LINK_SECRET,
    PUBLIC_BASE_URL: 'http://shop.test',
    ORDER_URL: orders.url,
    OUTBOX_INTERVAL: '200ms',
    ...(nats ? { NATS_URL: nats.url, ...EVENTS_ENV } : {}),
    ...opts.env,
  });
  const invoice = await startInvoiceService(config, log('invoice'));
  const env: Env = {
    orders,
    config,
    invoice,
    async close() {
      await env.events?.stop();
      await env.nc?.drain();
      await invoice.close();
      await orders.stop();
      await nats?.stop();
    },
  };
  if (nats) {
    const nc = await connectNats(nats.url, 'invoice-test', log('nats'));
    Object.assign(env, { nats, nc, js: jetstream(nc), jsm: await jetstreamManager(nc) });
    env.events = await attachInvoiceEvents(invoice, nc, config, log('invoice'));
  }
  return env;
}

export type Gql = <T = Record<string, any>>(
  query: string,
  variables?: Record<string, unknown>,
  caller?: Caller,
) => Promise<GraphQLResponse<T>>;

export function client(url: string, defaultCaller: Caller = GUEST): Gql {
  return (query, variables = {}, caller = defaultCaller) => postGraphQL(url, { query, variables }, { caller });
}

/** Publishes an event as its publisher would (msgID = event id). */
export async function publish(env: Env, event: AnyEvent): Promise<number> {
  return (await env.js!.publish(event.type, JSON.stringify(event), { msgID: event.id })).seq;
}

/** Every event of `subject` in its stream, oldest first. */
export async function streamEvents(env: Env, subject: EventSubject, stream: string): Promise<AnyEvent[]> {
  const out: AnyEvent[] = [];
  let seq = 1;
  for (;;) {
    const sm = await env.jsm!.streams.getMessage(stream, { seq, next_by_subj: subject } as unknown as MsgRequest).catch(() => null);
    if (!sm) return out;
    out.push(parseAnyEvent(JSON.parse(new TextDecoder().decode(sm.data))));
    seq = sm.seq + 1;
  }
}

/** Waits until the durable consumer has settled everything up to stream sequence `seq`. */
export function waitForAck(env: Env, stream: string, durable: string, seq: number) {
  return waitFor(`${durable} to settle message ${seq}`, async () => {
    const info = await env.jsm!.consumers.info(stream, durable);
    return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0 ? info : undefined;
  });
}

export const INVOICE_FIELDS = /* GraphQL */ `
  id number status issuedAt taxRateBps pdfUrl
  order { id }
  lines { sku name quantity unitPrice { amount currency } lineTotal { amount } tax { amount } }
  subtotal { amount currency } tax { amount } total { amount currency }
  seller { name email taxId address { line1 city country } }
  buyer { name email address { name line1 postalCode country } }`;
