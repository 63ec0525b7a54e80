import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type MsgRequest } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, createEvent, parseAnyEvent, type AnyEvent, type EventEnvelope, type EventSubject } from '@shop/events';
import { createLogger } from '@shop/kit';
import { startBroker, testDbName, waitFor, type NatsInstance } from '@shop/harness';
import { loadConfig, type InvoiceConfig } from '../src/config.js';
import { attachInvoiceEvents, startInvoiceService, type StartedInvoiceService } from '../src/server.js';
import type { InvoiceEvents } from '../src/events.js';
import type { OrderForInvoice } from '../src/services.js';
import { FakeOrders } from './fake-orders.js';

export { FakeOrders } from './fake-orders.js';

export const log = (name: string) => createLogger(name, process.env.TEST_LOG_LEVEL ?? 'silent');
export const EVENTS_ENV = { RETRY_BASE_DELAY_MS: '50', RETRY_MAX_DELAY_MS: '200', RETRY_BUDGET: '550ms' };
export const PDF_LINK_SECRET = 'test-only-pdf-link-secret-0123456789';

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
export async function startEnv(
  opts: {
    events?: boolean;
    env?: Record<string, string>;
    /** Retry settings (default the fast EVENTS_ENV; `{}` for the production defaults). */
    eventsEnv?: Record<string, string>;
    /** Another database server than the suite's shared one (a test that freezes its own). */
    mongoUrl?: string;
  } = {},
): Promise<Env> {
  const orders = await new FakeOrders().start();
  const nats = opts.events === false ? undefined : await startBroker('test');
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    MONGODB_URL: opts.mongoUrl ?? inject('mongoUrl'),
    MONGODB_DB: testDbName('invoice'),
    PDF_LINK_SECRET,
    PUBLIC_BASE_URL: 'http://shop.test',
    ORDER_URL: orders.url,
    OUTBOX_INTERVAL: '200ms',
    ...(nats ? { NATS_URL: nats.url, ...(opts.eventsEnv ?? EVENTS_ENV) } : {}),
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

export { graphqlClient as client, type Gql } from '@shop/harness';

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
