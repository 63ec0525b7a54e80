import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, listDeadLetters } from '@shop/events';
import { connectMongo, createLogger } from '@shop/kit';
import { startBroker, waitFor, type NatsInstance } from '@shop/harness';
import { readMails } from '../scripts/src/chaos/facts.js';
import {
  CheckoutDocument,
  CreateCartDocument,
  CreateProductDocument,
  InvoicesDocument,
  OrderInvoiceDocument,
  OrdersDocument,
  PayOrderDocument,
} from './__generated__/operations.js';
import { gatewayOperation } from './support/client.js';
import { startSystem, type System } from './support/system.js';

/**
 * Issue 10, finding 2 ("a 31-second outage dead-letters the saga"), on the real system with the settings
 * users run: every process of `npm start` on its own (no RETRY_BUDGET, backoff or timeout is overridden),
 * 20 orders placed and paid through the gateway with `tok_visa`, then
 *
 * - the order subgraph SIGKILLed for 90 s while the 20 `order.paid` events wait for their invoices: the
 *   invoice service must read each order from the order subgraph to issue its invoice, and it is started
 *   (after being held down while the orders were paid) only once the order subgraph is dead, so every
 *   issue fails against the dead order subgraph for the whole outage;
 * - the SMTP server (the mail catcher, its own process) SIGKILLed before the orders are placed and kept
 *   down for more than 90 s while their emails wait: the 20 order confirmations (whose address comes in
 *   `order.placed`, so they wait on SMTP alone) from the start, and the 20 invoice emails once the
 *   invoices are rendered; it is restarted only after every one of the 40 emails has failed against it.
 *
 * Then every invoice is issued and rendered, every email arrives exactly once, and the DLQ stays empty.
 */
const ORDERS = 20;
const OUTAGE_MS = 90_000;
const POLL = { intervalMs: 1_000 };

let nats: NatsInstance;
let nc: NatsConnection;
let jsm: JetStreamManager;
let system: System;
const bearer = (sub: string, role: 'customer' | 'admin') => system.bearer(sub, role);
let admin: Record<string, string>;
let failed = false;

beforeAll(async () => {
  nats = await startBroker('test');
  system = await startSystem({ mongoUrl: inject('mongoUrl'), natsUrl: nats.url });
  nc = await connectNats(nats.url, 'e2e-outages', createLogger('nats', 'silent'));
  jsm = await jetstreamManager(nc);
  admin = await bearer('outages-admin', 'admin');
}, 300_000);

afterAll(async () => {
  if (failed && system) process.stderr.write(`outages.e2e.ts failed; the services' logs are kept in ${system.logs}\n`);
  await nc?.drain();
  await system?.stop(failed);
  await nats?.stop();
});

const gql = <TData, TVars>(doc: TypedDocumentNode<TData, TVars>, variables: TVars, headers: Record<string, string>) =>
  gatewayOperation(system.gatewayUrl, doc, variables, headers);

const dlq = () => listDeadLetters(jsm);
const consumer = (stream: string, durable: string) => jsm.consumers.info(stream, durable);
/** Every invoice in the invoice service (an admin's listing; its database is this test's own). */
const invoices = async () => (await gql(InvoicesDocument, { first: 100 }, admin)).invoices;
const failFast = () => system.unexpectedExit();

/**
 * Keeps an outage going until `until`, checking `invariant` every second meanwhile: the length of the
 * outage is what is under test, so this is the one place the test waits for time rather than an outcome.
 */
async function holdOutage(until: number, invariant: () => Promise<void>) {
  while (Date.now() < until) {
    await invariant();
    const fatal = failFast();
    if (fatal) throw new Error(fatal);
    await delay(Math.max(0, Math.min(1_000, until - Date.now())));
  }
}

interface PlacedOrder {
  id: string;
  number: string;
  email: string;
  total: number;
}

async function placeAndPay(productId: string, i: number): Promise<PlacedOrder> {
  const buyer = await bearer(`outage-buyer-${i}`, 'customer');
  const email = `outage-buyer-${i}-${randomUUID().slice(0, 8)}@example.com`;
  const cart = (await gql(CreateCartDocument, { input: { lines: [{ productId, quantity: 1 + (i % 3) }] } }, buyer)).createCart.cart!;
  const address = { name: `Buyer ${i}`, line1: `${i} Outage Street`, city: 'Leeds', postalCode: 'LS1 4AP', country: 'GB' };
  const placed = (
    await gql(CheckoutDocument, { input: { cartId: cart.id, email, shippingAddress: address, idempotencyKey: randomUUID() } }, buyer)
  ).checkout;
  expect(placed.userErrors).toEqual([]);
  const order = placed.order!;
  const paid = (
    await gql(PayOrderDocument, { input: { orderId: order.id, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } }, buyer)
  ).payOrder;
  expect(paid.userErrors).toEqual([]);
  return { id: order.id, number: order.number, email, total: order.total.amount };
}

describe('outages with the default retry settings, on the real system', () => {
  it(
    'order subgraph down 90 s while 20 paid orders wait for invoices, SMTP down > 90 s while their emails wait: all 20 invoices and 40 emails arrive once, the DLQ stays empty',
    async () => {
      try {
        const created = (
          await gql(
            CreateProductDocument,
            {
              input: {
                sku: `OUT-${randomUUID().slice(0, 8).toUpperCase()}`,
                name: 'Outage mug',
                description: 'e2e outages',
                price: 1250,
                categorySlugs: [],
                initialStock: 100,
              },
            },
            admin,
          )
        ).createProduct;
        expect(created.userErrors).toEqual([]);
        const productId = created.product!.id;

        // SMTP goes first: from here on, every email waits for it.
        await system.kill('mail-catcher');
        const smtpDownAt = Date.now();
        // The invoice service is held down while the orders are paid, so their order.paid events wait in
        // its durable consumer and are handled only after the order subgraph is dead.
        await system.kill('invoice');

        const orders: PlacedOrder[] = [];
        for (let i = 1; i <= ORDERS; i++) orders.push(await placeAndPay(productId, i));
        await waitFor(
          `${ORDERS} orders PAID`,
          async () => (await gql(OrdersDocument, { first: 50, status: 'PAID' }, admin)).orders.totalCount === ORDERS,
          { ...POLL, timeoutMs: 120_000, failFast },
        );
        // Every order.paid is out of the order subgraph's outbox and waits for the invoice service.
        await waitFor(
          `${ORDERS} order.paid events waiting for the invoice service`,
          async () => {
            const info = await consumer('ORDERS', 'invoice--order-paid');
            return info.num_pending === ORDERS && info.num_ack_pending === 0;
          },
          { ...POLL, timeoutMs: 60_000, failFast },
        );

        // The order subgraph dies; the invoice service comes back and must read every order from it.
        await system.kill('order');
        const orderDownAt = Date.now();
        await system.restart('invoice');
        await waitFor(
          'the invoice service to be retrying the order.paid events against the dead order subgraph',
          async () => (await consumer('ORDERS', 'invoice--order-paid')).delivered.consumer_seq >= 2 * ORDERS,
          { ...POLL, timeoutMs: 60_000, failFast },
        );
        await holdOutage(orderDownAt + OUTAGE_MS, async () => {
          expect(await dlq()).toEqual([]);
          expect((await invoices()).totalCount).toBe(0);
          expect(readMails(system.mailDir)).toEqual([]);
        });
        // The invoice service kept retrying through the outage (1, 2, 4 … s apart): at least three
        // deliveries of each order.paid, all failed.
        expect((await consumer('ORDERS', 'invoice--order-paid')).delivered.consumer_seq).toBeGreaterThanOrEqual(3 * ORDERS);

        await system.restart('order');
        await waitFor(
          `${ORDERS} invoices READY (issued and rendered)`,
          async () => {
            const list = await invoices();
            return list.totalCount === ORDERS && list.edges.every((e) => e.node.status === 'READY');
          },
          { ...POLL, timeoutMs: 240_000, failFast },
        );
        for (const order of orders) {
          const o = (await gql(OrderInvoiceDocument, { id: order.id }, admin)).order!;
          expect(o.status).toBe('PAID');
          expect(o.invoice).toMatchObject({ status: 'READY', total: { amount: order.total }, buyer: { email: order.email } });
        }

        // Every email has been tried and failed against the dead SMTP server (PENDING, attempts ≥ 1):
        // the 20 confirmations since they were placed, the 20 invoice emails since their PDFs were rendered.
        const messaging = await connectMongo(inject('mongoUrl'), system.databases.messaging!);
        const notifications = messaging.collection<{
          eventType: string;
          channel: string;
          recipient: string;
          status: string;
          attempts: number;
        }>('notifications');
        try {
          await waitFor(
            `all ${2 * ORDERS} emails to have failed against the dead SMTP server`,
            async () => {
              const pending = await notifications.find({ channel: 'email', status: 'PENDING', attempts: { $gte: 1 } }).toArray();
              const of = (type: string) => pending.filter((n) => n.eventType === type).map((n) => n.recipient);
              const all = orders.map((o) => o.email).sort();
              return (
                JSON.stringify(of('shop.order.placed.v1').sort()) === JSON.stringify(all) &&
                JSON.stringify(of('shop.invoice.rendered.v1').sort()) === JSON.stringify(all)
              );
            },
            { ...POLL, timeoutMs: 120_000, failFast },
          );
          await holdOutage(smtpDownAt + OUTAGE_MS, async () => {
            expect(await dlq()).toEqual([]);
          });
          expect(readMails(system.mailDir)).toEqual([]);
          expect(await dlq()).toEqual([]);

          await system.restart('mail-catcher');
          await waitFor(`${2 * ORDERS} emails delivered`, () => readMails(system.mailDir).length >= 2 * ORDERS, {
            ...POLL,
            timeoutMs: 180_000,
            failFast,
          });
          // Settled: nothing is waiting or in flight, and every notification is SENT.
          await waitFor(
            'messaging to have handled everything',
            async () => {
              const [placed, rendered] = await Promise.all([
                consumer('ORDERS', 'messaging--order-placed'),
                consumer('INVOICES', 'messaging--invoice-rendered'),
              ]);
              const unsent = await notifications.countDocuments({ status: { $ne: 'SENT' } });
              return [placed, rendered].every((c) => c.num_pending === 0 && c.num_ack_pending === 0) && unsent === 0;
            },
            { ...POLL, timeoutMs: 60_000, failFast },
          );
        } finally {
          await messaging.close();
        }

        const mails = readMails(system.mailDir);
        expect(new Set(mails.map((m) => m.messageId)).size).toBe(mails.length);
        for (const order of orders) {
          const to = mails.filter((m) => m.to === order.email);
          const invoiceNumber = (await gql(OrderInvoiceDocument, { id: order.id }, admin)).order!.invoice!.number;
          expect(to.map((m) => ({ subject: m.subject, hasPdf: m.hasPdf })).sort((a, b) => a.subject.localeCompare(b.subject))).toEqual([
            { subject: `Your invoice ${invoiceNumber} for order ${order.number}`, hasPdf: true },
            { subject: `Your order ${order.number} is confirmed`, hasPdf: false },
          ]);
        }
        expect(mails).toHaveLength(2 * ORDERS);
        expect(await dlq()).toEqual([]);
        expect((await consumer('ORDERS', 'invoice--order-paid')).num_pending).toBe(0);
        expect(system.unexpectedExit()).toBeUndefined();
      } catch (err) {
        failed = true;
        throw err;
      }
    },
    10 * 60_000,
  );
});
