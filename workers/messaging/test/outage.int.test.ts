import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, createEvent, derivedEventId } from '@shop/events';
import { createLogger } from '@shop/kit';
import { startBroker, testDbName, type NatsInstance } from '@shop/harness';
import { emailMessageId, loadConfig, startMessaging, type RunningMessaging } from '@shop/messaging';
import { consumerDrained, publisher, startInvoiceStub, startOrderStub, startSmtp, tinyPdf, type SmtpCatcher } from './helpers.js';

/** A 90 s SMTP outage, with the production retry settings (no RETRY_* override): nothing is dead-lettered, every email arrives. */

const log = createLogger('messaging-outage', 'silent');
let nats: NatsInstance;
let nc: NatsConnection;
let jsm: JetStreamManager;
let smtp: SmtpCatcher;
let orders: Awaited<ReturnType<typeof startOrderStub>>;
let invoices: Awaited<ReturnType<typeof startInvoiceStub>>;
let worker: RunningMessaging;
let publish: ReturnType<typeof publisher>;

beforeAll(async () => {
  nats = await startBroker('test');
  nc = await connectNats(nats.url, 'messaging-outage-test', log);
  jsm = await jetstreamManager(nc);
  publish = publisher(nc);
  smtp = await startSmtp();
  orders = await startOrderStub();
  invoices = await startInvoiceStub();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    MONGODB_URL: inject('mongoUrl'),
    MONGODB_DB: testDbName('messaging_outage'),
    NATS_URL: nats.url,
    SMTP_URL: smtp.url,
    SMS_OUTBOX_DIR: `/tmp/messaging-outage-sms-${randomUUID()}`,
    ORDER_URL: orders.url,
    INVOICE_URL: invoices.url,
  });
  worker = await startMessaging(config, nc, log);
});

afterAll(async () => {
  await worker?.close();
  await nc?.drain();
  await Promise.allSettled([smtp?.stop(), orders?.close(), invoices?.close()]);
  await nats?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dlqSize = async () => (await jsm.streams.info('DLQ')).state.messages;

describe('messaging through an SMTP outage, default retry settings', () => {
  it('SMTP down for 90 s while 20 invoice emails wait: all 20 arrive after it is back, nothing is dead-lettered', async () => {
    await smtp.stop();
    const ids: string[] = [];
    for (let i = 1; i <= 20; i++) {
      const orderId = randomUUID();
      const invoiceId = randomUUID();
      const number = `INV-2026-${String(i).padStart(6, '0')}`;
      orders.orders.set(orderId, { number: `SO-2026-${String(i).padStart(6, '0')}`, email: `buyer-${i}@example.com`, phone: null });
      const pdf = tinyPdf(number);
      invoices.pdfs.set(invoiceId, pdf);
      const data = { invoiceId, orderId, number, bytes: pdf.length, sha256: 'a'.repeat(64) };
      const event = createEvent('shop.invoice.rendered.v1', data, {
        source: 'invoice',
        correlationId: randomUUID(),
        id: derivedEventId(`invoice.rendered:${invoiceId}`),
      });
      await publish('shop.invoice.rendered.v1', data, { event });
      ids.push(emailMessageId(event.id, 'email'));
    }
    await sleep(90_000);
    expect(await dlqSize()).toBe(0);
    expect(smtp.received).toHaveLength(0);
    await smtp.start();
    await smtp.waitForIds(ids, 150_000);
    await consumerDrained(jsm, 'INVOICES', 'messaging--invoice-rendered', 30_000);
    expect(await dlqSize()).toBe(0);
  }, 300_000);
});
