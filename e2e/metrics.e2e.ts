import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { sampleSum, scrapeMetrics, startBroker, waitFor, type NatsInstance, type Sample } from '@shop/harness';
import { readMails } from '../scripts/src/chaos/facts.js';
import {
  CheckoutDocument,
  CreateCartDocument,
  CreateProductDocument,
  InvoicesDocument,
  PayOrderDocument,
} from './__generated__/operations.js';
import { gatewayOperation } from './support/client.js';
import { startSystem, type System } from './support/system.js';

/**
 * Issue 12 §2: every process of `npm start` serves Prometheus metrics on its health port, and one
 * purchase through the gateway moves them as it should: the gateway's and the subgraphs' operation
 * counters, order.paid handled once by invoice, one render, the emails sent over SMTP, the outbox
 * drained again. Counters are compared with a scrape taken before the purchase.
 */
const SCRAPED = ['gateway', 'order', 'invoice', 'messaging', 'invoice-renderer'] as const;
type Scraped = (typeof SCRAPED)[number];

let nats: NatsInstance;
let system: System;
const bearer = (sub: string, role: 'customer' | 'admin') => system.bearer(sub, role);
let failed = false;
/** Operations this test sent through the gateway. */
let sent = 0;

beforeAll(async () => {
  nats = await startBroker('test');
  system = await startSystem({ mongoUrl: inject('mongoUrl'), natsUrl: nats.url });
}, 300_000);

afterAll(async () => {
  if (failed && system) process.stderr.write(`metrics.e2e.ts failed; the services' logs are kept in ${system.logs}\n`);
  await system?.stop(failed);
  await nats?.stop();
});

async function gql<TData, TVars>(doc: TypedDocumentNode<TData, TVars>, variables: TVars, headers: Record<string, string>): Promise<TData> {
  sent++;
  return gatewayOperation(system.gatewayUrl, doc, variables, headers);
}

const scrapeAll = async (): Promise<Record<Scraped, Sample[]>> =>
  Object.fromEntries(await Promise.all(SCRAPED.map(async (name) => [name, await scrapeMetrics(system.bases[name]!)] as const))) as Record<
    Scraped,
    Sample[]
  >;

describe('metrics after one purchase', () => {
  it('moves the operation, event, render, email and outbox metrics by what one purchase does', async () => {
    try {
      const admin = await bearer('metrics-admin', 'admin');
      const buyer = await bearer('metrics-buyer', 'customer');
      const created = (
        await gql(
          CreateProductDocument,
          {
            input: {
              sku: `MET-${randomUUID().slice(0, 8).toUpperCase()}`,
              name: 'Metrics mug',
              description: 'e2e metrics',
              price: 1250,
              categorySlugs: [],
              initialStock: 10,
            },
          },
          admin,
        )
      ).createProduct;
      expect(created.userErrors).toEqual([]);

      const before = await scrapeAll();
      const sentBefore = sent;
      const mailsBefore = readMails(system.mailDir).length;
      const email = `metrics-${randomUUID().slice(0, 8)}@example.com`;
      const cart = (await gql(CreateCartDocument, { input: { lines: [{ productId: created.product!.id, quantity: 2 }] } }, buyer))
        .createCart.cart!;
      const address = { name: 'Metrics Buyer', line1: '1 Gauge Street', city: 'Leeds', postalCode: 'LS1 4AP', country: 'GB' };
      const placed = (
        await gql(CheckoutDocument, { input: { cartId: cart.id, email, shippingAddress: address, idempotencyKey: randomUUID() } }, buyer)
      ).checkout;
      expect(placed.userErrors).toEqual([]);
      const paid = (
        await gql(PayOrderDocument, { input: { orderId: placed.order!.id, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } }, buyer)
      ).payOrder;
      expect(paid.userErrors).toEqual([]);

      const failFast = () => system.unexpectedExit();
      await waitFor(
        'the invoice READY',
        async () => (await gql(InvoicesDocument, { first: 10 }, admin)).invoices.edges.some((e) => e.node.status === 'READY'),
        { intervalMs: 500, timeoutMs: 180_000, failFast },
      );
      // The order confirmation and the invoice email.
      await waitFor('two emails delivered', () => readMails(system.mailDir).length >= mailsBefore + 2, {
        intervalMs: 500,
        timeoutMs: 120_000,
        failFast,
      });
      // Scraped until settled: the gauges are read from the relay and JetStream, the counters from handlers that finish after the mail.
      let after = await scrapeAll();
      await waitFor(
        'the outboxes drained and the consumers caught up',
        async () => {
          after = await scrapeAll();
          return (
            sampleSum(after.order, 'shop_outbox_backlog') === 0 &&
            sampleSum(after.invoice, 'shop_consumer_pending', { durable: 'invoice--order-paid' }) === 0 &&
            sampleSum(after.invoice, 'shop_consumer_ack_pending', { durable: 'invoice--order-paid' }) === 0 &&
            delta('messaging', 'shop_event_handled_total', { subject: 'shop.invoice.rendered.v1', outcome: 'acked' }) === 1
          );
        },
        { intervalMs: 500, timeoutMs: 60_000, failFast },
      );
      function delta(service: Scraped, name: string, labels: Record<string, string> = {}): number {
        return sampleSum(after[service], name, labels) - sampleSum(before[service], name, labels);
      }

      // Gateway: every operation this test sent since the first scrape, each checkout and payment once, no errors.
      expect(delta('gateway', 'shop_graphql_requests_total', { component: 'gateway' })).toBe(sent - sentBefore);
      expect(delta('gateway', 'shop_graphql_requests_total', { operation: 'mutation.checkout', client: 'user' })).toBe(1);
      expect(delta('gateway', 'shop_graphql_requests_total', { operation: 'mutation.payOrder', client: 'user' })).toBe(1);
      expect(delta('gateway', 'shop_graphql_duration_seconds_count', { operation: 'mutation.checkout' })).toBe(1);
      expect(delta('gateway', 'shop_graphql_errors_total')).toBe(0);
      // Order subgraph: the checkout reached it once; its outbox published order.placed and order.paid and is empty again.
      expect(delta('order', 'shop_graphql_requests_total', { component: 'order', operation: 'mutation.checkout' })).toBe(1);
      expect(delta('order', 'shop_outbox_published_total')).toBeGreaterThanOrEqual(2);
      expect(sampleSum(after.order, 'shop_outbox_backlog')).toBe(0);
      expect(sampleSum(after.order, 'shop_outbox_oldest_age_seconds')).toBe(0);
      expect(sampleSum(after.order, 'shop_outbox_quarantined_total')).toBe(0);
      // Invoice: order.paid handled once, acked first time; nothing dead-lettered anywhere.
      expect(delta('invoice', 'shop_event_handled_total', { subject: 'shop.order.paid.v1', outcome: 'acked' })).toBe(1);
      expect(delta('invoice', 'shop_event_handled_total', { outcome: 'retried' })).toBe(0);
      expect(delta('invoice', 'shop_event_handler_duration_seconds_count', { subject: 'shop.order.paid.v1' })).toBe(1);
      expect(sampleSum(after.invoice, 'shop_dlq_depth')).toBe(0);
      expect(sampleSum(after.invoice, 'shop_outbox_backlog')).toBe(0);
      // Renderer: one PDF rendered, one Chromium, nothing waiting.
      expect(delta('invoice-renderer', 'shop_renderer_renders_total', { outcome: 'ok' })).toBe(1);
      expect(sampleSum(after['invoice-renderer'], 'shop_renderer_renders_total', { outcome: 'error' })).toBe(0);
      expect(sampleSum(after['invoice-renderer'], 'shop_renderer_chromium_launches_total')).toBe(1);
      expect(sampleSum(after['invoice-renderer'], 'shop_renderer_jobs_waiting')).toBe(0);
      // Messaging: one SMTP send per email delivered, none failed.
      const mails = readMails(system.mailDir).length - mailsBefore;
      expect(mails).toBe(2);
      expect(delta('messaging', 'shop_dependency_duration_seconds_count', { dependency: 'smtp' })).toBe(mails);
      expect(delta('messaging', 'shop_dependency_failures_total', { dependency: 'smtp' })).toBe(0);
      // Default Node metrics are on in every process.
      for (const name of SCRAPED) expect(sampleSum(after[name], 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(system.unexpectedExit()).toBeUndefined();
    } catch (err) {
      failed = true;
      throw err;
    }
  }, 600_000);
});
