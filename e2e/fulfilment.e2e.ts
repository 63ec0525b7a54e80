import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '@shop/events';
import { createLogger } from '@shop/kit';
import { startBroker, testDbName, waitFor, type NatsInstance } from '@shop/harness';
import { loadConfig as loadRendererConfig, startRenderer, type Renderer } from '@shop/invoice-renderer';
import { loadConfig as loadMessagingConfig, startMessaging, type RunningMessaging } from '@shop/messaging';
import { loadConfig as loadSmsConfig, startSandbox as startSmsSandbox, type RunningSandbox } from '@shop/sms-sandbox';
import {
  CheckoutDocument,
  CreateCartDocument,
  InvoiceDocument,
  OrderInvoiceDocument,
  PayOrderDocument,
} from './__generated__/operations.js';
import { startSmtp, type SmtpCatcher } from '@shop/messaging/testing';
import { pdfText } from './support/pdf.js';
import { bearer, startStack, type Stack, type TypedCall } from './support/stack.js';

/**
 * The fulfilment side of the saga: pay an order through the gateway and the whole fulfilment side follows —
 * the invoice service issues a numbered invoice, the renderer (real Chromium) stores its PDF, the
 * invoice turns READY with a signed `pdfUrl` served by the gateway, and the messaging worker sends the
 * order confirmation and the invoice email (PDF attached) to a real SMTP server and the SMS to the SMS
 * sandbox. The owner alone reaches the invoice; a tampered link is refused.
 */

const SMS_KEY = 'e2e-only-sms-api-key-0123456789';
const log = (name: string) => createLogger(name, process.env.TEST_LOG_LEVEL ?? 'silent');

// Own nats-server: the stack's and the workers' consumers use the production durable names.
let nats: NatsInstance;
let stack: Stack;
let nc: NatsConnection;
let renderer: Renderer;
let messaging: RunningMessaging;
let smtp: SmtpCatcher;
let sms: RunningSandbox;
let olga: Record<string, string>;
let bob: Record<string, string>;

const gql: TypedCall = (doc, variables, headers) => stack.gql(doc, variables, headers);

/** The invoice service's base URL (its internal routes live beside /graphql). */
const invoiceBase = () => stack.invoice.url.replace(/\/graphql\/?$/, '');

beforeAll(async () => {
  nats = await startBroker('test');
  stack = await startStack(inject('mongoUrl'), nats.url);
  olga = bearer(await stack.token('olga', 'customer'));
  bob = bearer(await stack.token('bob', 'customer'));
  nc = await connectNats(nats.url, 'e2e-fulfilment', log('nats'));
  const events = { NATS_URL: nats.url, RETRY_BASE_DELAY_MS: '100', RETRY_MAX_DELAY_MS: '1000', RETRY_BUDGET: '6500ms' };
  smtp = await startSmtp();
  sms = await startSmsSandbox(loadSmsConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', SMS_API_KEY: SMS_KEY }), log('sms'));
  renderer = await startRenderer(
    loadRendererConfig({
      NODE_ENV: 'test',
      PORT: '0',
      INVOICE_URL: invoiceBase(),
      RENDER_CONCURRENCY: '1',
      ...events,
    }),
    nc,
    log('renderer'),
  );
  messaging = await startMessaging(
    loadMessagingConfig({
      NODE_ENV: 'test',
      PORT: '0',
      MONGODB_URL: inject('mongoUrl'),
      MONGODB_DB: testDbName('e2e_messaging'),
      SMTP_URL: smtp.url,
      SEND_TIMEOUT_MS: '5000',
      SMS_URL: sms.url,
      SMS_API_KEY: SMS_KEY,
      ORDER_URL: stack.orderUrl,
      INVOICE_URL: invoiceBase(),
      ...events,
    }),
    nc,
    log('messaging'),
  );
});

afterAll(async () => {
  await messaging?.close();
  await renderer?.stop();
  await nc?.drain();
  await stack?.close();
  await Promise.allSettled([smtp?.stop(), sms?.close()]);
  await nats?.stop();
});

const newProduct = (name: string, price: number) => stack.createProduct({ name, price, initialStock: 50 });

/** "$49.50" for 4950 cents in USD, as the renderer formats amounts (en-US). */
const money = (cents: number, currency: string) => new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);

describe('fulfilment through the gateway: payment → invoice PDF, emails and SMS', () => {
  it('a paid order gets a READY invoice whose PDF, emails and SMS reach the customer; only the owner reaches it', async () => {
    const tag = randomUUID().slice(0, 8);
    const email = `olga-${tag}@example.com`;
    const mug = await newProduct(`Blue mug ${tag}`, 1250);
    const pot = await newProduct(`Tea pot ${tag}`, 3475);

    // Cart → checkout (with a phone) → pay.
    const cart = (
      await gql(
        CreateCartDocument,
        {
          input: {
            lines: [
              { productId: mug.id, quantity: 2 },
              { productId: pot.id, quantity: 1 },
            ],
          },
        },
        olga,
      )
    ).data!.createCart.cart!;
    const checkout = await gql(
      CheckoutDocument,
      {
        input: {
          cartId: cart.id,
          email,
          phone: '+49 151 1234 5678',
          shippingAddress: { name: 'Olga', line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
          idempotencyKey: randomUUID(),
        },
      },
      olga,
    );
    expect(checkout.errors).toBeUndefined();
    const order = checkout.data!.checkout.order!;
    const paid = await gql(
      PayOrderDocument,
      { input: { orderId: order.id, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
      olga,
    );
    expect(paid.errors).toBeUndefined();
    expect(paid.data!.payOrder.userErrors).toEqual([]);

    // The invoice turns READY with a number and a signed link on the gateway.
    const invoice = await waitFor(
      `order ${order.id}: invoice READY`,
      async () => {
        const res = await gql(OrderInvoiceDocument, { id: order.id }, olga);
        const inv = res.data?.order?.invoice;
        return inv?.status === 'READY' && inv.pdfUrl ? inv : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 200 },
    );
    expect(invoice.number).toMatch(/^INV-\d{4}-\d{6}$/);
    expect(invoice.order.id).toBe(order.id);
    expect(invoice.total.amount).toBe(order.total.amount);
    expect(invoice.lines.map((l) => [l.sku, l.name, l.quantity]).sort()).toEqual(
      [
        [mug.sku, mug.name, 2],
        [pot.sku, pot.name, 1],
      ].sort(),
    );
    const gatewayBase = stack.gatewayUrl.replace(/\/graphql$/, '');
    const link = new URL(invoice.pdfUrl!);
    expect(`${link.origin}`).toBe(new URL(gatewayBase).origin);
    expect(link.pathname).toBe(`/invoices/${invoice.id}.pdf`);
    expect((await gql(InvoiceDocument, { id: invoice.id }, olga)).data!.invoice).toMatchObject({ id: invoice.id, number: invoice.number });

    // The PDF through the gateway link: a PDF naming the number, every line and the total.
    const res = await fetch(invoice.pdfUrl!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/pdf/);
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain(invoice.number);
    for (const line of invoice.lines) {
      expect(text).toContain(line.sku);
      expect(text).toContain(line.name);
    }
    expect(text).toContain(money(invoice.total.amount, invoice.total.currency));

    // A real SMTP server receives the confirmation and the invoice email with that PDF attached.
    const mails = await waitFor(
      `confirmation and invoice email to ${email}`,
      () => {
        const mine = smtp.received.filter((m) => m.to === email);
        const confirmation = mine.find((m) => m.subject.includes('is confirmed'));
        const invoiceMail = mine.find((m) => m.subject.includes(invoice.number));
        return confirmation && invoiceMail ? { confirmation, invoiceMail, mine } : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(mails.confirmation.subject).toBe(`Your order ${order.number} is confirmed`);
    expect(mails.confirmation.text).toContain(mug.name);
    expect(mails.invoiceMail.subject).toBe(`Your invoice ${invoice.number} for order ${order.number}`);
    expect(mails.invoiceMail.attachments).toHaveLength(1);
    const [attachment] = mails.invoiceMail.attachments;
    expect(attachment).toMatchObject({ filename: `${invoice.number}.pdf`, contentType: 'application/pdf' });
    expect(attachment!.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfText(attachment!.content)).toContain(invoice.number);
    // Each email once (no duplicate Message-IDs).
    const ids = mails.mine.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);

    // The SMS transport receives the SMS (a phone was given).
    const texts = await waitFor(
      'the order SMS',
      async () => {
        const r = await fetch(`${sms.url}/v1/test/messages?to=${encodeURIComponent('+4915112345678')}`, {
          headers: { authorization: `Bearer ${SMS_KEY}` },
        });
        const { messages } = (await r.json()) as { messages: { to: string; body: string }[] };
        const mine = messages.filter((m) => m.body.includes(order.number));
        return mine.length ? mine : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(texts).toHaveLength(1);
    expect(texts[0]!.to).toBe('+4915112345678');

    // Another customer reaches neither the invoice nor the order's invoice.
    const byBob = await gql(InvoiceDocument, { id: invoice.id }, bob);
    expect(byBob.data?.invoice ?? null).toBeNull();
    const orderByBob = await gql(OrderInvoiceDocument, { id: order.id }, bob);
    expect(orderByBob.data?.order?.invoice ?? null).toBeNull();
    const anonymous = await gql(InvoiceDocument, { id: invoice.id });
    expect(anonymous.data?.invoice ?? null).toBeNull();

    // A tampered link is refused: another signature, a later expiry, another invoice id.
    const sig = link.searchParams.get('sig')!;
    const exp = link.searchParams.get('exp')!;
    const tampered = [
      `${gatewayBase}/invoices/${invoice.id}.pdf?exp=${exp}&sig=${(sig[0] === '0' ? '1' : '0') + sig.slice(1)}`,
      `${gatewayBase}/invoices/${invoice.id}.pdf?exp=${Number(exp) + 3600}&sig=${sig}`,
      `${gatewayBase}/invoices/${randomUUID()}.pdf?exp=${exp}&sig=${sig}`,
      `${gatewayBase}/invoices/${invoice.id}.pdf?exp=${exp}`,
    ];
    for (const url of tampered) {
      const refused = await fetch(url);
      expect(refused.status, url).toBe(403);
      expect(refused.headers.get('content-type')).not.toMatch(/pdf/);
    }
  });
});
