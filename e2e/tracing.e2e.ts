import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { startBroker, waitFor, type NatsInstance } from '@shop/harness';
import { CheckoutDocument, CreateCartDocument, CreateProductDocument, PayOrderDocument } from './__generated__/operations.js';
import { startOtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.js';
import { devBearer, gatewayOperation } from './support/client.js';
import { startSystem, type System } from './support/system.js';

/**
 * Issue 12 §1: every process of `npm start` exports OTLP (JSON, to the test's receiver); one checkout and
 * its payment, sent by a client that propagates one `traceparent` for the purchase (as an instrumented
 * client does), make one trace whose tree runs from the gateway through the order subgraph's checkout,
 * product's reservation, the outbox publish, invoice's `order.paid` handling and the render, to the
 * invoice email: asserted by span names and parent links.
 */
let nats: NatsInstance;
let system: System;
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let failed = false;
let traceIdOf = '';

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  nats = await startBroker('test');
  system = await startSystem({
    mongoUrl: inject('mongoUrl'),
    natsUrl: nats.url,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '200' },
  });
}, 300_000);

afterAll(async () => {
  if (failed && system) process.stderr.write(`tracing.e2e.ts failed; the services' logs are kept in ${system.logs}\n`);
  await system?.stop(failed);
  await nats?.stop();
  await receiver?.close();
});

const bearer = devBearer;
const gql = <TData, TVars>(doc: TypedDocumentNode<TData, TVars>, variables: TVars, headers: Record<string, string>) =>
  gatewayOperation(system.gatewayUrl, doc, variables, headers);

/** The chain of names from a span up to the first span whose parent is not in the trace. */
function ancestry(spans: ReceivedSpan[], span: ReceivedSpan): string[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const names: string[] = [];
  for (let s: ReceivedSpan | undefined = span; s; s = byId.get(s.parentSpanId)) names.push(`${s.service}:${s.name}`);
  return names;
}

describe('one purchase is one trace across the gateway, the subgraphs, NATS, the renderer and messaging', () => {
  it('links checkout, reservation, publish, order.paid in invoice, the render and the invoice email into one tree', async () => {
    try {
      const admin = await bearer('trace-admin', 'admin');
      const buyer = await bearer('trace-buyer', 'customer');
      const sku = `TRC-${randomUUID().slice(0, 8).toUpperCase()}`;
      const input = { sku, name: 'Trace mug', description: 'e2e tracing', price: 900, categorySlugs: [], initialStock: 5 };
      const productId = (await gql(CreateProductDocument, { input }, admin)).createProduct.product!.id;
      const cart = (await gql(CreateCartDocument, { input: { lines: [{ productId, quantity: 1 }] } }, buyer)).createCart.cart!;

      // The client's own span of the purchase: both operations carry it, so the system continues one trace.
      const traceId = randomBytes(16).toString('hex');
      traceIdOf = traceId;
      const traced = { ...buyer, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
      const address = { name: 'Tia', line1: '1 Span Street', city: 'Leeds', postalCode: 'LS1 4AP', country: 'GB' };
      const email = `trace-${randomUUID().slice(0, 8)}@example.com`;
      const checkoutInput = { cartId: cart.id, email, shippingAddress: address, idempotencyKey: randomUUID() };
      const order = (await gql(CheckoutDocument, { input: checkoutInput }, traced)).checkout.order!;
      const paid = await gql(
        PayOrderDocument,
        { input: { orderId: order.id, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
        traced,
      );
      expect(paid.payOrder.userErrors).toEqual([]);

      const inTrace = () => receiver.spans.filter((s) => s.traceId === traceId);
      const find = (service: string, name: string) => inTrace().find((s) => s.service === service && s.name === name);
      const email_ = await waitFor(
        'the invoice email span in the purchase trace',
        () =>
          inTrace().find(
            (s) => s.service === 'messaging' && s.name === 'send email' && s.attributes['shop.event.type'] === 'shop.invoice.rendered.v1',
          ),
        { timeoutMs: 90_000, intervalMs: 250, failFast: () => system.unexpectedExit() },
      );
      const spans = inTrace();

      const checkout = find('order', 'order checkout')!;
      expect(checkout.attributes['shop.order.number']).toBe(order.number);
      // The gateway's operation is above the subgraph's server span, which is above the checkout.
      expect(ancestry(spans, checkout).some((n) => n.startsWith('gateway:'))).toBe(true);
      expect(ancestry(spans, find('product', 'product reservation')!)).toContain('order:order checkout');

      // Across NATS: order.paid's publish in order, its handling in invoice as a child of that publish.
      const publish = find('order', 'shop.order.paid.v1 publish')!;
      const handled = find('invoice', 'shop.order.paid.v1 process')!;
      expect(handled.parentSpanId).toBe(publish.spanId);

      const render = find('invoice-renderer', 'render invoice')!;
      expect(ancestry(spans, render)).toEqual(
        expect.arrayContaining(['invoice:shop.order.paid.v1 process', 'order:shop.order.paid.v1 publish']),
      );
      const children = spans.filter((s) => s.parentSpanId === render.spanId).map((s) => s.name);
      expect(children).toEqual(expect.arrayContaining(['chromium setContent', 'chromium pdf']));

      expect(String(email_.attributes['shop.message_id'])).toMatch(/@/);
      // The email's chain runs back through the render job, both NATS hops and the payment webhook to the
      // gateway's payOrder operation: one trace from the GraphQL request to the email.
      expect(ancestry(spans, email_)).toEqual(
        expect.arrayContaining([
          'messaging:shop.invoice.rendered.v1 process',
          'invoice:shop.invoice.rendered.v1 publish',
          'invoice-renderer:shop.invoice.issued.v1 process',
          'invoice:shop.order.paid.v1 process',
          'order:shop.order.paid.v1 publish',
          'order:shop.payment.succeeded.v1 process',
          'payment:shop.payment.succeeded.v1 publish',
          'gateway:gateway.request',
        ]),
      );
      expect(render.parentSpanId).toBe(find('invoice-renderer', 'shop.invoice.issued.v1 process')!.spanId);
    } catch (err) {
      failed = true;
      const seen = receiver.spans.map((s) => `${s.traceId.slice(0, 8)} ${s.spanId} ← ${s.parentSpanId || '-'} ${s.service}:${s.name}`);
      process.stderr.write(`spans received (client trace ${traceIdOf}):\n${seen.join('\n')}\n`);
      throw err;
    }
  }, 180_000);
});
