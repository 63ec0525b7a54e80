import { describe, expect, it } from 'vitest';
import type { Facts, OrderFact } from '../chaos/facts.js';
import type { PurchaseResult } from '../chaos/purchase.js';
import { clusterRows, type ClusterInput, type ClusterRowId } from './rows.js';
import type { StoredEvent } from './stream-facts.js';

const order = (id: string, over: Partial<OrderFact> = {}): OrderFact => ({
  id,
  email: `${id}@example.com`,
  phone: null,
  lines: [],
  status: 'PAID',
  everPaid: true,
  cancellations: 0,
  ...over,
});
const event = (seq: number, id: string, type: string, keys: Partial<StoredEvent> = {}): StoredEvent => ({
  stream: type.split('.')[1] === 'order' ? 'ORDERS' : 'INVOICES',
  seq,
  msgId: id,
  id,
  type,
  ...keys,
});
const mail = (eventId: string) => ({ messageId: `<${eventId}.email@shop>`, to: 'x@example.com', subject: 's', hasPdf: false });
const result = (index: number, kind: PurchaseResult['plan']['kind'], ids: Partial<PurchaseResult>): PurchaseResult => ({
  plan: { index, kind, lines: [], phone: null },
  paymentIds: [],
  outcome: kind.startsWith('abandoned') ? 'abandoned' : 'paid',
  ...ids,
});

/**
 * A paid order (o1, invoice i1) and an abandoned one the timeout cancelled (o2), an abandoned cart (c3)
 * the sweeper expired; every event stored once, every email sent, both replicas of order busy.
 */
function consistent(): ClusterInput {
  const facts: Facts = {
    orders: new Map([
      ['o1', order('o1')],
      ['o2', order('o2', { status: 'CANCELLED', everPaid: false, cancellations: 1 })],
    ]),
    payments: [],
    invoices: new Map([['o1', 'i1']]),
    pdfs: new Set(['i1']),
    movements: [],
    mails: ['e1', 'e2', 'e3'].map(mail),
    deadLetters: [],
    cartExpiries: new Map([['c3', 1]]),
    reservations: new Map(),
  };
  const events = [
    event(1, 'e1', 'shop.order.placed.v1', { orderId: 'o1' }),
    event(2, 'e2', 'shop.order.placed.v1', { orderId: 'o2' }),
    event(3, 'e4', 'shop.order.paid.v1', { orderId: 'o1' }),
    event(4, 'e3', 'shop.order.cancelled.v1', { orderId: 'o2' }),
    event(1, 'e5', 'shop.invoice.issued.v1', { invoiceId: 'i1', orderId: 'o1' }),
  ];
  return {
    facts,
    streams: {
      events,
      durables: [{ stream: 'ORDERS', durable: 'invoice--order-paid', pending: 0, ackPending: 0, replicas: 3 }],
      streamReplicas: new Map([
        ['ORDERS', 3],
        ['INVOICES', 3],
      ]),
    },
    results: [
      result(0, 'visa', { orderId: 'o1' }),
      result(1, 'abandoned-order', { orderId: 'o2' }),
      result(2, 'abandoned-cart', { cartId: 'c3' }),
    ],
    work: [
      { replica: 'order-1', service: 'order', work: { handled: 3, published: 2, requests: 9 }, lives: 2 },
      { replica: 'order-2', service: 'order', work: { handled: 1, published: 3, requests: 8 }, lives: 1 },
      { replica: 'gateway-1', service: 'gateway', work: { handled: 0, published: 0, requests: 5 }, lives: 1 },
    ],
    streamReplicas: 3,
  };
}

const failing = (input: ClusterInput): ClusterRowId[] =>
  clusterRows(input)
    .filter((r) => !r.ok)
    .map((r) => r.id);

describe('cluster reconciliation', () => {
  it('finds nothing wrong in a consistent run', () => {
    expect(failing(consistent())).toEqual([]);
  });

  it('sees an event the two relays stored twice', () => {
    const input = consistent();
    input.streams.events.push(event(5, 'e1', 'shop.order.placed.v1', { orderId: 'o1' }));
    expect(failing(input)).toEqual(['relayed-once']);
  });

  it('sees an order cancelled twice by two sweepers: two transitions and two events', () => {
    const input = consistent();
    input.facts.orders.set('o2', order('o2', { status: 'CANCELLED', everPaid: false, cancellations: 2 }));
    input.streams.events.push(event(6, 'e6', 'shop.order.cancelled.v1', { orderId: 'o2' }));
    input.facts.mails.push(mail('e6'));
    expect(failing(input)).toEqual(['events-once', 'timeouts', 'cancel-once']);
  });

  it('sees an abandoned order the sweeper never cancelled and a cart it never expired', () => {
    const input = consistent();
    input.facts.orders.set('o2', order('o2', { status: 'PENDING_PAYMENT', everPaid: false }));
    input.streams.events = input.streams.events.filter((e) => e.type !== 'shop.order.cancelled.v1');
    input.facts.mails = input.facts.mails.filter((m) => m.messageId !== '<e3.email@shop>');
    input.facts.cartExpiries.clear();
    expect(failing(input)).toEqual(['timeouts', 'carts-expired']);
  });

  it('counts a resend with the same identity once, and a missing or second identity as a mismatch', () => {
    const resent = consistent();
    resent.facts.mails.push(mail('e1'));
    const rows = clusterRows(resent);
    expect(rows.find((r) => r.id === 'notifications')).toMatchObject({ ok: true, detail: expect.stringMatching(/1 resend/) });
    const missing = consistent();
    missing.facts.mails.pop();
    expect(failing(missing)).toEqual(['notifications']);
  });

  it('sees a durable with unacked events, a stream with one copy, and a replica that did nothing', () => {
    const input = consistent();
    input.streams.durables[0]!.ackPending = 2;
    input.streams.streamReplicas.set('INVOICES', 1);
    input.work[1]!.work = { handled: 0, published: 0, requests: 0 };
    expect(failing(input)).toEqual(['streams-replicated', 'delivered', 'work-shared']);
  });
});
