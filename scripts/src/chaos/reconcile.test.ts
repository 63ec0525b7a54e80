import { describe, expect, it } from 'vitest';
import type { ProviderBooks } from './books.js';
import type { Facts, OrderFact } from './facts.js';
import type { PurchaseResult } from './purchase.js';
import { reconcile, type RowId } from './reconcile.js';

const P = 'p1';
const order = (id: string, over: Partial<OrderFact> = {}): OrderFact => ({
  id,
  email: `${id}@example.com`,
  phone: null,
  lines: [{ productId: P, quantity: 1 }],
  status: 'PAID',
  everPaid: true,
  cancellations: 0,
  ...over,
});

/** One paid order, fully reconciled: invoice, PDF, email, one capture, stock 10 → 9. */
function consistent() {
  const facts: Facts = {
    orders: new Map([['o1', order('o1')]]),
    payments: [{ id: 'pay1', orderId: 'o1', amount: 500, status: 'SUCCEEDED', refundedAmount: 0 }],
    invoices: new Map([['o1', 'inv1']]),
    pdfs: new Set(['inv1']),
    movements: [
      { productId: P, version: 1, kind: 'ADJUSTMENT', quantity: 10, balance: 10, orderId: null },
      { productId: P, version: 2, kind: 'RESERVATION', quantity: -1, balance: 9, orderId: 'o1' },
    ],
    mails: [{ messageId: '<e1.email@shop>', to: 'o1@example.com', subject: 'Invoice', hasPdf: true }],
    deadLetters: [],
    cartExpiries: new Map(),
    reservations: new Map([['o1', { decision: 'CONFIRMED' }]]),
  };
  const books: ProviderBooks = {
    payments: new Map([['psp1', { id: 'psp1', reference: 'pay1', status: 'succeeded', amount: 500, amountRefunded: 0 }]]),
    sms: new Map(),
  };
  const results: PurchaseResult[] = [
    { plan: { index: 0, kind: 'visa', lines: [], phone: null }, orderId: 'o1', paymentIds: ['pay1'], outcome: 'paid' },
  ];
  return { facts, books, results, products: new Map([[P, 10]]) };
}

const failing = (input: ReturnType<typeof consistent>): RowId[] =>
  reconcile(input)
    .filter((r) => !r.ok)
    .map((r) => r.id);

describe('chaos reconciliation', () => {
  it('finds nothing wrong in a consistent system', () => {
    expect(failing(consistent())).toEqual([]);
  });

  it('sees a second capture for one order as a double charge', () => {
    const input = consistent();
    input.books.payments.set('psp2', { id: 'psp2', reference: 'pay2', status: 'succeeded', amount: 500, amountRefunded: 0 });
    input.facts.payments.push({ id: 'pay2', orderId: 'o1', amount: 500, status: 'SUCCEEDED', refundedAmount: 0 });
    expect(failing(input)).toEqual(['double-charge']);
  });

  it('sees a missing invoice email, a duplicate one, and a missing PDF', () => {
    const noMail = consistent();
    noMail.facts.mails = [];
    expect(failing(noMail)).toEqual(['invoice-emails']);
    const noPdf = consistent();
    noPdf.facts.pdfs.clear();
    expect(failing(noPdf)).toEqual(['invoices-ready']);
    const twice = consistent();
    twice.facts.mails.push({ messageId: '<e2.email@shop>', to: 'o1@example.com', subject: 'Invoice', hasPdf: true });
    expect(failing(twice)).toEqual(['invoice-emails']);
  });

  it('sees stock that no order holds, and captured money the shop never applied', () => {
    const leaked = consistent();
    leaked.facts.movements.push({ productId: P, version: 3, kind: 'RESERVATION', quantity: -2, balance: 7, orderId: 'gone' });
    expect(failing(leaked)).toEqual(['stock', 'stock-provisional']);
    leaked.facts.reservations.set('gone', { decision: 'CONFIRMED' });
    expect(failing(leaked)).toEqual(['stock', 'stock-provisional']);
    const lost = consistent();
    lost.facts.movements[1]!.balance = 8;
    expect(failing(lost)).toEqual(['stock']);
    const unapplied = consistent();
    unapplied.facts.payments[0]!.status = 'PENDING';
    expect(failing(unapplied)).toEqual(['charges']);
  });

  it('counts a reservation whose order was never written as held until the sweeper releases it', () => {
    const input = consistent();
    input.facts.movements.push({ productId: P, version: 3, kind: 'RESERVATION', quantity: -2, balance: 7, orderId: 'crashed' });
    input.facts.reservations.set('crashed', { decision: null });
    const rows = reconcile(input);
    expect(rows.filter((r) => !r.ok)).toEqual([]);
    expect(rows.find((r) => r.id === 'stock-provisional')).toMatchObject({ expected: 1, actual: 1 });
    // Released after all (by the checkout's compensation or the sweeper): nothing is held for it any more.
    input.facts.movements.push({ productId: P, version: 4, kind: 'RELEASE', quantity: 2, balance: 9, orderId: 'crashed' });
    expect(reconcile(input).find((r) => r.id === 'stock-provisional')).toMatchObject({ expected: 0, actual: 0, ok: true });
    expect(failing(input)).toEqual([]);
  });

  it('sees a dead letter and a paid order the client was told had failed', () => {
    const input = consistent();
    input.facts.deadLetters = [{ consumer: 'messaging--x', kind: 'exhausted', error: 'fetch failed' } as Facts['deadLetters'][number]];
    input.results[0]!.outcome = 'failed';
    input.results[0]!.error = 'order still PENDING_PAYMENT after 240 s';
    expect(failing(input)).toEqual(['dlq', 'client-failures']);
  });

  it('leaves a purchase the client left pending to the money rows', () => {
    const input = consistent();
    input.facts.orders.set('o1', order('o1', { status: 'PENDING_PAYMENT', everPaid: false }));
    input.facts.payments[0]!.status = 'PENDING';
    input.facts.mails = [];
    input.results[0]!.outcome = 'pending';
    input.results[0]!.error = 'order still PENDING_PAYMENT (payment PENDING) after 240 s';
    expect(failing(input)).toEqual(['charges']);
  });

  it('accepts an abandoned order the timeout cancelled, and flags one left payable', () => {
    const input = consistent();
    input.results.push({
      plan: { index: 1, kind: 'abandoned-order', lines: [], phone: null },
      orderId: 'o2',
      paymentIds: [],
      outcome: 'abandoned',
    });
    input.facts.orders.set('o2', order('o2', { status: 'CANCELLED', everPaid: false, cancellations: 1, lines: [] }));
    expect(failing(input)).toEqual([]);
    input.facts.orders.set('o2', order('o2', { status: 'PENDING_PAYMENT', everPaid: false, lines: [] }));
    expect(failing(input)).toEqual(['client-failures']);
  });
});
