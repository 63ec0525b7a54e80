import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, createEvent, derivedEventId, listDeadLetters } from '@shop/events';
import { createLogger } from '@shop/kit';
import { consumerDrained, startBroker, testDbName, waitFor, type NatsInstance } from '@shop/harness';
import { TEST_NUMBERS, loadConfig as loadSmsConfig, startSandbox as startSmsSandbox, type RunningSandbox } from '@shop/sms-sandbox';
import { emailMessageId, loadConfig, startMessaging, type RunningMessaging } from '@shop/messaging';
import { orderNumber, placedData, publisher, startInvoiceStub, startOrderStub, startSmtp, tinyPdf, type SmtpCatcher } from './helpers.js';

const SMS_KEY = 'test-only-sms-api-key-0123';
const log = createLogger('messaging', 'silent');

// A nats-server of this file's own: the durable consumer names are the production ones.
let nats: NatsInstance;
let nc: NatsConnection;
let jsm: JetStreamManager;
let smtp: SmtpCatcher;
let sms: RunningSandbox;
let orders: Awaited<ReturnType<typeof startOrderStub>>;
let invoices: Awaited<ReturnType<typeof startInvoiceStub>>;
let worker: RunningMessaging;
let publish: ReturnType<typeof publisher>;

beforeAll(async () => {
  nats = await startBroker('test');
  nc = await connectNats(nats.url, 'messaging-test', log);
  jsm = await jetstreamManager(nc);
  publish = publisher(nc);
  smtp = await startSmtp();
  sms = await startSmsSandbox(loadSmsConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', SMS_API_KEY: SMS_KEY }), log);
  orders = await startOrderStub();
  invoices = await startInvoiceStub();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    MONGODB_URL: inject('mongoUrl'),
    MONGODB_DB: testDbName('messaging'),
    NATS_URL: nats.url,
    RETRY_BASE_DELAY_MS: '50',
    RETRY_MAX_DELAY_MS: '300',
    RETRY_BUDGET: '11150ms',
    SMTP_URL: smtp.url,
    SEND_TIMEOUT_MS: '3000',
    SMS_URL: sms.url,
    SMS_API_KEY: SMS_KEY,
    ORDER_URL: orders.url,
    INVOICE_URL: invoices.url,
  });
  worker = await startMessaging(config, nc, log);
});

afterAll(async () => {
  await worker?.close();
  await nc?.drain();
  await Promise.allSettled([smtp?.stop(), sms?.close(), orders?.close(), invoices?.close()]);
  await nats?.stop();
});

const smsFor = async (clientReference: string) =>
  (
    (await (
      await fetch(`${sms.url}/v1/test/messages?clientReference=${clientReference}`, { headers: { authorization: `Bearer ${SMS_KEY}` } })
    ).json()) as {
      messages: { to: string; body: string; requests: number }[];
    }
  ).messages;

const record = (eventId: string, channel: string) => worker.notifications.findById(`${eventId}.${channel}`).lean();

/** An order the stub knows, for events that carry no contact details. */
function knownOrder(email = `buyer-${randomUUID().slice(0, 8)}@example.com`) {
  const orderId = randomUUID();
  orders.orders.set(orderId, { number: 'SO-2026-000321', email, phone: null });
  return { orderId, email };
}

describe('messaging worker against a real SMTP server and the SMS sandbox', () => {
  it('order.placed: the confirmation email with its Message-ID, subject and content, and the SMS when a phone is given', async () => {
    const event = await publish('shop.order.placed.v1', placedData({ email: 'ada@example.com', phone: '+49 151 1234 5678', n: 7 }));
    const id = emailMessageId(event.id, 'email');
    await smtp.waitForIds([id]);
    const [mail] = smtp.byId(id);
    expect(mail!.to).toBe('ada@example.com');
    expect(mail!.subject).toBe('Your order SO-2026-000007 is confirmed');
    expect(mail!.text).toContain('Blue mug');
    expect(mail!.text).toContain('€30.00');
    expect(mail!.html).toContain('<table');

    const texts = await waitFor('the SMS', async () => {
      const got = await smsFor(`${event.id}.sms`);
      return got.length ? got : undefined;
    });
    expect(texts[0]).toMatchObject({ to: '+4915112345678' });
    expect(texts[0]!.body).toContain('SO-2026-000007');
    await waitFor('both records SENT', async () => ((await record(event.id, 'sms'))?.status === 'SENT' ? true : undefined));
    expect((await record(event.id, 'email'))?.status).toBe('SENT');
  });

  it('order.placed without a phone sends no SMS', async () => {
    const event = await publish('shop.order.placed.v1', placedData({ email: 'nophone@example.com' }));
    await smtp.waitForIds([emailMessageId(event.id, 'email')]);
    await waitFor('email SENT', async () => ((await record(event.id, 'email'))?.status === 'SENT' ? true : undefined));
    expect(await record(event.id, 'sms')).toBeNull();
    expect(await smsFor(`${event.id}.sms`)).toHaveLength(0);
  });

  it('sends every other event: payment.failed, order.shipped (email + SMS), order.cancelled, payment.refunded', async () => {
    const { orderId, email } = knownOrder();
    const failed = await publish('shop.payment.failed.v1', {
      paymentId: randomUUID(),
      orderId,
      amount: 3000,
      currency: 'EUR',
      failureCode: 'card_declined',
      failureMessage: 'The card was declined',
    });
    const shipped = await publish('shop.order.shipped.v1', {
      orderId,
      number: 'SO-2026-000321',
      carrier: 'DHL',
      trackingNumber: 'JD014600003',
      email,
      phone: '+4915112345678',
    });
    const cancelled = await publish('shop.order.cancelled.v1', {
      orderId,
      number: 'SO-2026-000321',
      reason: 'changed my mind',
      wasPaid: true,
      lines: [{ productId: 'p1', quantity: 1 }],
      email,
    });
    const refunded = await publish('shop.payment.refunded.v1', {
      paymentId: randomUUID(),
      orderId,
      amount: 3000,
      refundedTotal: 3000,
      currency: 'EUR',
    });
    const expected = [
      [failed.id, 'Payment for order SO-2026-000321 did not go through', 'The card was declined'],
      [shipped.id, 'Your order SO-2026-000321 has shipped', 'JD014600003'],
      [cancelled.id, 'Your order SO-2026-000321 has been cancelled', 'changed my mind'],
      [refunded.id, 'Refund of €30.00 for order SO-2026-000321', '€30.00'],
    ] as const;
    await smtp.waitForIds(expected.map(([id]) => emailMessageId(id, 'email')));
    for (const [id, subject, content] of expected) {
      const mails = smtp.byId(emailMessageId(id, 'email'));
      expect(mails).toHaveLength(1);
      expect(mails[0]!.to).toBe(email);
      expect(mails[0]!.subject).toBe(subject);
      expect(mails[0]!.text).toContain(content);
    }
    const texts = await waitFor('the shipping SMS', async () => {
      const got = await smsFor(`${shipped.id}.sms`);
      return got.length ? got : undefined;
    });
    expect(texts[0]!.body).toContain('JD014600003');
    // Contact details were read from the order service as service:messaging.
    expect(orders.calls.length).toBeGreaterThanOrEqual(2);
    expect(new Set(orders.calls.map((c) => c.caller))).toEqual(new Set(['service:messaging']));
  });

  it('invoice.rendered: the invoice email with the PDF from the invoice service attached', async () => {
    const { orderId, email } = knownOrder();
    const invoiceId = randomUUID();
    const pdf = tinyPdf('INV-2026-000009');
    invoices.pdfs.set(invoiceId, pdf);
    const data = { invoiceId, orderId, number: 'INV-2026-000009', bytes: pdf.length, sha256: 'a'.repeat(64) };
    const event = createEvent('shop.invoice.rendered.v1', data, {
      source: 'invoice',
      correlationId: randomUUID(),
      id: derivedEventId(`invoice.rendered:${invoiceId}`),
    });
    await publish('shop.invoice.rendered.v1', data, { event });
    const id = emailMessageId(event.id, 'email');
    await smtp.waitForIds([id]);
    const [mail] = smtp.byId(id);
    expect(mail!.to).toBe(email);
    expect(mail!.subject).toBe('Your invoice INV-2026-000009 for order SO-2026-000321');
    expect(mail!.attachments).toHaveLength(1);
    expect(mail!.attachments[0]!.filename).toBe('INV-2026-000009.pdf');
    expect(mail!.attachments[0]!.contentType).toBe('application/pdf');
    expect(mail!.attachments[0]!.content.equals(pdf)).toBe(true);
    expect(invoices.calls.every((c) => c.caller === 'service:messaging' && c.path === `/internal/invoices/${invoiceId}/pdf`)).toBe(true);
  });

  it('the same event delivered twice sends once', async () => {
    const data = placedData({ email: 'twice@example.com', phone: '+4915100000001' });
    const event = await publish('shop.order.placed.v1', data);
    const id = emailMessageId(event.id, 'email');
    await smtp.waitForIds([id]);
    await waitFor('SMS SENT', async () => ((await record(event.id, 'sms'))?.status === 'SENT' ? true : undefined));
    // A second copy under another msgID: JetStream stores and delivers it again.
    await publish('shop.order.placed.v1', data, { event, msgID: `dup-${event.id}` });
    const marker = await publish('shop.order.placed.v1', placedData({ email: 'after@example.com' }));
    await smtp.waitForIds([emailMessageId(marker.id, 'email')]);
    await consumerDrained(jsm, 'ORDERS', 'messaging--order-placed');
    expect(smtp.byId(id)).toHaveLength(1);
    expect(await smsFor(`${event.id}.sms`)).toHaveLength(1);
    expect((await smsFor(`${event.id}.sms`))[0]!.requests).toBe(1);
  });

  it('a PENDING record (crash between send and mark) is sent again with the same identity', async () => {
    const data = placedData({ email: 'pending@example.com' });
    const event = createEvent('shop.order.placed.v1', data, { source: 'order', correlationId: randomUUID() });
    const messageId = emailMessageId(event.id, 'email');
    await worker.notifications.create({
      _id: `${event.id}.email`,
      eventId: event.id,
      channel: 'email',
      eventType: event.type,
      identity: messageId,
      recipient: data.email,
      status: 'PENDING',
      attempts: 1,
      createdAt: new Date(),
    });
    await publish('shop.order.placed.v1', data, { event });
    await smtp.waitForIds([messageId]);
    await waitFor('SENT', async () => ((await record(event.id, 'email'))?.status === 'SENT' ? true : undefined));
    expect(smtp.byId(messageId)).toHaveLength(1);
    expect((await record(event.id, 'email'))?.attempts).toBe(2);
  });

  it('a transient SMS failure (503) is retried with the same client reference', async () => {
    const event = await publish('shop.order.shipped.v1', {
      orderId: randomUUID(),
      number: 'SO-2026-000400',
      carrier: 'UPS',
      trackingNumber: '1Z999',
      email: 'flaky-sms@example.com',
      phone: TEST_NUMBERS.flaky,
    });
    await waitFor('SMS SENT', async () => ((await record(event.id, 'sms'))?.status === 'SENT' ? true : undefined));
    const rec = await record(event.id, 'sms');
    expect(rec?.attempts).toBe(2);
    expect(await smsFor(`${event.id}.sms`)).toHaveLength(1);
    expect(smtp.byId(emailMessageId(event.id, 'email'))).toHaveLength(1);
  });

  it('mails published while the SMTP server is down arrive after it returns', async () => {
    await smtp.stop();
    const events = await Promise.all(
      [1, 2, 3].map((n) => publish('shop.order.placed.v1', placedData({ email: `outage-${n}@example.com`, n }))),
    );
    const ids = events.map((e) => emailMessageId(e.id, 'email'));
    await waitFor('failed attempts to be recorded', async () => {
      const recs = await Promise.all(events.map((e) => record(e.id, 'email')));
      return recs.every((r) => r?.status === 'PENDING' && r.lastError) ? true : undefined;
    });
    // Every mail has been tried again and failed again: nothing went out while the server was down.
    await waitFor('a second failed attempt of each', async () => {
      const recs = await Promise.all(events.map((e) => record(e.id, 'email')));
      return recs.every((r) => r?.status === 'PENDING' && (r.attempts ?? 0) >= 2) ? true : undefined;
    });
    expect(ids.flatMap((id) => smtp.byId(id))).toHaveLength(0);
    await smtp.start();
    await smtp.waitForIds(ids);
    for (const id of ids) expect(smtp.byId(id)).toHaveLength(1);
  });

  it('a permanently rejected address and an undeliverable phone end in the DLQ with the reason', async () => {
    const rejected = await publish('shop.order.cancelled.v1', {
      orderId: randomUUID(),
      number: 'SO-2026-000500',
      reason: 'test',
      wasPaid: false,
      lines: [{ productId: 'p1', quantity: 1 }],
      email: 'reject-me@example.com',
    });
    const badPhone = await publish('shop.order.placed.v1', placedData({ email: 'good@example.com', phone: TEST_NUMBERS.undeliverable }));
    const letters = await waitFor('two dead letters', async () => {
      const all = await listDeadLetters(jsm);
      const mine = all.filter((d) => [rejected.id, badPhone.id].includes(d.eventId));
      return mine.length === 2 ? mine : undefined;
    });
    const mail = letters.find((d) => d.eventId === rejected.id)!;
    expect(mail.kind).toBe('permanent');
    expect(mail.consumer).toBe('messaging--order-cancelled');
    expect(mail.error).toMatch(/550/);
    expect(mail.error).toMatch(/no such user/);
    const sms = letters.find((d) => d.eventId === badPhone.id)!;
    expect(sms.kind).toBe('permanent');
    expect(sms.error).toMatch(/undeliverable/);
    // The email of that order went out once; a redrive would only retry the SMS.
    expect(smtp.byId(emailMessageId(badPhone.id, 'email'))).toHaveLength(1);
    expect((await record(rejected.id, 'email'))?.status).toBe('PENDING');
  });

  it('answers health on its own port', async () => {
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${worker.url}/readyz`)).json()).toMatchObject({ status: 'ready' });
  });
});

describe('order.delivered: the event has only orderId and number; address and phone come from the order service', () => {
  let n = 600;
  /** An order the stub knows, with or without a phone number. */
  function deliveredOrder(phone: string | null) {
    const orderId = randomUUID();
    const number = orderNumber(++n);
    const email = `delivered-${randomUUID().slice(0, 8)}@example.com`;
    orders.orders.set(orderId, { number, email, phone });
    return { orderId, number, email };
  }
  const sent = (eventId: string, channel: string) => async () => ((await record(eventId, channel))?.status === 'SENT' ? true : undefined);

  it('sends one email to the order’s address and one SMS to its phone', async () => {
    const { orderId, number, email } = deliveredOrder('0049 151 2222 3333');
    const event = await publish('shop.order.delivered.v1', { orderId, number });
    const id = emailMessageId(event.id, 'email');
    await smtp.waitForIds([id]);
    const mails = smtp.byId(id);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.messageId).toBe(`<${event.id}.email@shop>`);
    expect(mails[0]!.to).toBe(email);
    expect(mails[0]!.subject).toBe(`Your order ${number} has been delivered`);
    expect(mails[0]!.text).toContain(`your order ${number} has been delivered`);
    expect(mails[0]!.html).toContain(`Order ${number} has arrived`);

    const texts = await waitFor('the delivery SMS', async () => {
      const got = await smsFor(`${event.id}.sms`);
      return got.length ? got : undefined;
    });
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatchObject({ to: '+4915122223333' });
    expect(texts[0]!.body).toContain(number);
    expect(texts[0]!.body).toContain('delivered');
    await waitFor('both records SENT', sent(event.id, 'sms'));
    expect(await record(event.id, 'email')).toMatchObject({ status: 'SENT', recipient: email, eventType: 'shop.order.delivered.v1' });
    expect(new Set(orders.calls.map((c) => c.caller))).toEqual(new Set(['service:messaging']));
  });

  it('sends no SMS when the order has no phone number', async () => {
    const { orderId, number, email } = deliveredOrder(null);
    const event = await publish('shop.order.delivered.v1', { orderId, number });
    await smtp.waitForIds([emailMessageId(event.id, 'email')]);
    await waitFor('email SENT', sent(event.id, 'email'));
    expect(smtp.byId(emailMessageId(event.id, 'email'))[0]!.to).toBe(email);
    expect(await record(event.id, 'sms')).toBeNull();
    expect(await smsFor(`${event.id}.sms`)).toHaveLength(0);
  });

  it('the same event delivered twice sends one email and one SMS', async () => {
    const { orderId, number } = deliveredOrder('+4915122224444');
    const data = { orderId, number };
    const event = await publish('shop.order.delivered.v1', data);
    const id = emailMessageId(event.id, 'email');
    await smtp.waitForIds([id]);
    await waitFor('SMS SENT', sent(event.id, 'sms'));
    // A second copy under another msgID: JetStream stores and delivers it again.
    await publish('shop.order.delivered.v1', data, { event, msgID: `dup-${event.id}` });
    const later = deliveredOrder(null);
    const marker = await publish('shop.order.delivered.v1', { orderId: later.orderId, number: later.number });
    await smtp.waitForIds([emailMessageId(marker.id, 'email')]);
    await consumerDrained(jsm, 'ORDERS', 'messaging--order-delivered');
    expect(smtp.byId(id)).toHaveLength(1);
    const texts = await smsFor(`${event.id}.sms`);
    expect(texts).toHaveLength(1);
    expect(texts[0]!.requests).toBe(1);
    expect(await record(event.id, 'email')).toMatchObject({ status: 'SENT', attempts: 1 });
    expect(await record(event.id, 'sms')).toMatchObject({ status: 'SENT', attempts: 1 });
  });

  it('an order the order service does not know ends in the DLQ, with nothing sent', async () => {
    const event = await publish('shop.order.delivered.v1', { orderId: randomUUID(), number: orderNumber(699) });
    const letter = await waitFor('the dead letter', async () => (await listDeadLetters(jsm)).find((d) => d.eventId === event.id));
    expect(letter.kind).toBe('permanent');
    expect(letter.consumer).toBe('messaging--order-delivered');
    expect(letter.error).toMatch(/not found in the order service/);
    expect(smtp.byId(emailMessageId(event.id, 'email'))).toHaveLength(0);
    expect(await record(event.id, 'email')).toBeNull();
  });
});
