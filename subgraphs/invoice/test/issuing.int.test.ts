import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '@shop/events';
import { waitFor } from '@shop/harness';
import { invoiceNumber } from '../src/domain.js';
import { paidEvent, publish, startEnv, streamEvents, waitForAck, type Env } from './helpers.js';

// A nats-server of this file's own: `invoice--order-paid` is the production durable name.
let env: Env;
const year = new Date().getUTCFullYear();

beforeAll(async () => {
  env = await startEnv();
});
afterAll(() => env?.close());

const issuedFor = async (orderId: string) =>
  (await streamEvents(env, 'shop.invoice.issued.v1', 'INVOICES')).filter((e) => (e.data as { orderId: string }).orderId === orderId);

describe('order.paid → one invoice per order', () => {
  it('a second delivery of the same order.paid (and another event for the same order) issues nothing', async () => {
    const order = env.orders.add([{ unitPrice: 500, quantity: 4 }]);
    const event = paidEvent(order);
    await publish(env, event);
    const invoice = await waitFor('the invoice', () => env.invoice.models.Invoice.findOne({ orderId: order.id }).lean());
    // The same event again past JetStream's dedupe (another msgID), and a second event for the same order.
    await env.js!.publish(event.type, JSON.stringify(event), { msgID: `again-${event.id}` });
    const seq = await publish(env, createEvent('shop.order.paid.v1', event.data, { source: 'test', correlationId: 'x' }));
    await waitForAck(env, 'ORDERS', 'invoice--order-paid', seq);
    expect(await env.invoice.models.Invoice.countDocuments({ orderId: order.id })).toBe(1);
    const events = await waitFor('invoice.issued', async () => {
      const found = await issuedFor(order.id);
      return found.length ? found : undefined;
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toEqual({ invoiceId: invoice._id, orderId: order.id, number: invoice.number });
    expect(events[0]!.correlationId).toBe(event.correlationId);
  });

  it('concurrent deliveries for the same order (handler called 10× at once) write one invoice', async () => {
    const order = env.orders.add([{ unitPrice: 100, quantity: 1 }]);
    const results = await Promise.all(Array.from({ length: 10 }, () => env.invoice.invoices.orderPaid(paidEvent(order))));
    expect(results.filter((r) => r.issued)).toHaveLength(1);
    expect(new Set(results.map((r) => r.invoice._id)).size).toBe(1);
    expect(await env.invoice.models.Invoice.countDocuments({ orderId: order.id })).toBe(1);
  });

  it('an order the order service does not know is dead-lettered, not retried forever', async () => {
    const ghost = env.orders.add([{ unitPrice: 100, quantity: 1 }]);
    env.orders.orders.delete(ghost.id);
    const seq = await publish(env, paidEvent(ghost));
    await waitForAck(env, 'ORDERS', 'invoice--order-paid', seq);
    const dead = await waitFor('the dead letter', async () => {
      const dl = await streamEvents(env, 'shop.order.paid.v1', 'DLQ').catch(() => []);
      return dl.length ? dl : (await env.jsm!.streams.info('DLQ')).state.messages > 0 || undefined;
    });
    expect(dead).toBeTruthy();
    expect(await env.invoice.models.Invoice.countDocuments({ orderId: ghost.id })).toBe(0);
  });
});

describe('gapless numbering', () => {
  it('20 orders paid concurrently get 20 distinct, consecutive numbers (published events and direct calls)', async () => {
    const before = await env.invoice.models.Invoice.countDocuments({ year });
    const viaNats = Array.from({ length: 20 }, () => env.orders.add([{ unitPrice: 1234, quantity: 1 }]));
    await Promise.all(viaNats.map((o) => publish(env, paidEvent(o))));
    const direct = Array.from({ length: 20 }, () => env.orders.add([{ unitPrice: 999, quantity: 2 }]));
    await Promise.all(direct.map((o) => env.invoice.invoices.orderPaid(paidEvent(o))));
    const ids = [...viaNats, ...direct].map((o) => o.id);
    const invoices = await waitFor('40 invoices', async () => {
      const found = await env.invoice.models.Invoice.find({ orderId: { $in: ids } }).lean();
      return found.length === 40 ? found : undefined;
    });
    const all = await env.invoice.models.Invoice.find({ year }).sort({ seq: 1 }).lean();
    expect(all.map((i) => i.seq)).toEqual(Array.from({ length: before + 40 }, (_, i) => i + 1));
    expect(all.map((i) => i.number)).toEqual(all.map((i) => invoiceNumber(year, i.seq)));
    expect(new Set(invoices.map((i) => i.number)).size).toBe(40);
    // Every issued invoice reaches the stream, once.
    const issued = await waitFor('40 invoice.issued', async () => {
      const found = (await streamEvents(env, 'shop.invoice.issued.v1', 'INVOICES')).filter((e) =>
        ids.includes((e.data as { orderId: string }).orderId),
      );
      return found.length >= 40 ? found : undefined;
    });
    expect(issued).toHaveLength(40);
  });
});
