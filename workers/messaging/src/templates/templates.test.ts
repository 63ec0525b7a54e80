import { describe, expect, it } from 'vitest';
import { formatMoney } from '@shop/money';
import {
  escapeHtml,
  invoiceEmail,
  orderCancelledEmail,
  orderDeliveredEmail,
  orderDeliveredSms,
  orderPlacedEmail,
  orderPlacedSms,
  orderShippedEmail,
  orderShippedSms,
  paymentFailedEmail,
  paymentRefundedEmail,
  type EmailContent,
} from './index.js';

const ctx = { store: 'Test Shop' };
const ORDER = '11111111-1111-4111-8111-111111111111';
const placed = {
  orderId: ORDER,
  number: 'SO-2026-000042',
  email: 'ada@example.com',
  lines: [
    { productId: 'p1', sku: 'MUG', name: 'Mug <Large> & "Bold"', unitPrice: 1250, quantity: 2, lineTotal: 2500 },
    { productId: 'p2', sku: 'TEA', name: 'Tea', unitPrice: 499, quantity: 1, lineTotal: 499 },
  ],
  subtotal: 2999,
  tax: 600,
  total: 3599,
  currency: 'EUR',
};
const eur = (amount: number) => formatMoney({ amount, currency: 'EUR' });

interface Case {
  name: string;
  render: () => EmailContent;
  subject: string;
  /** Must appear in the text and (escaped) in the HTML. */
  contains: string[];
  absent?: string[];
}

const cases: Case[] = [
  {
    name: 'order.placed',
    render: () => orderPlacedEmail(ctx, placed),
    subject: 'Your order SO-2026-000042 is confirmed',
    contains: ['SO-2026-000042', 'Mug <Large> & "Bold"', 'Tea', eur(1250), eur(2500), eur(2999), eur(600), eur(3599), 'Test Shop'],
  },
  {
    name: 'payment.failed',
    render: () =>
      paymentFailedEmail(ctx, {
        paymentId: ORDER,
        orderId: ORDER,
        amount: 3599,
        currency: 'EUR',
        failureCode: 'card_declined',
        failureMessage: 'Your card was declined',
        number: 'SO-2026-000042',
      }),
    subject: 'Payment for order SO-2026-000042 did not go through',
    contains: [eur(3599), 'Your card was declined', 'card_declined', 'pay again'],
  },
  {
    name: 'invoice.rendered',
    render: () =>
      invoiceEmail(ctx, {
        invoiceId: ORDER,
        orderId: ORDER,
        number: 'INV-2026-000007',
        bytes: 10,
        sha256: 'a'.repeat(64),
        orderNumber: 'SO-2026-000042',
      }),
    subject: 'Your invoice INV-2026-000007 for order SO-2026-000042',
    contains: ['INV-2026-000007', 'attached'],
  },
  {
    name: 'order.shipped',
    render: () =>
      orderShippedEmail(ctx, { orderId: ORDER, number: 'SO-2026-000042', carrier: 'DHL', trackingNumber: 'JD0146000', email: 'a@b.co' }),
    subject: 'Your order SO-2026-000042 has shipped',
    contains: ['DHL', 'JD0146000'],
  },
  {
    name: 'order.delivered',
    render: () => orderDeliveredEmail(ctx, { orderId: ORDER, number: 'SO-2026-000042' }),
    subject: 'Your order SO-2026-000042 has been delivered',
    contains: ['SO-2026-000042', 'delivered', 'Not received it?', 'Test Shop'],
    absent: ['Tracking', 'refund'],
  },
  {
    name: 'order.cancelled (unpaid, system reason)',
    render: () =>
      orderCancelledEmail(ctx, {
        orderId: ORDER,
        number: 'SO-2026-000042',
        reason: 'PAYMENT_TIMEOUT',
        wasPaid: false,
        lines: [{ productId: 'p', quantity: 1 }],
        email: 'a@b.co',
      }),
    subject: 'Your order SO-2026-000042 has been cancelled',
    contains: ['not completed in time', 'not been charged'],
    absent: ['refunded'],
  },
  {
    name: 'order.cancelled (paid, customer reason)',
    render: () =>
      orderCancelledEmail(ctx, {
        orderId: ORDER,
        number: 'SO-2026-000042',
        reason: 'changed <my> mind',
        wasPaid: true,
        lines: [{ productId: 'p', quantity: 1 }],
        email: 'a@b.co',
      }),
    subject: 'Your order SO-2026-000042 has been cancelled',
    contains: ['changed <my> mind', 'refunded'],
  },
  {
    name: 'payment.refunded (partial, second refund)',
    render: () =>
      paymentRefundedEmail(ctx, {
        paymentId: ORDER,
        orderId: ORDER,
        amount: 1000,
        refundedTotal: 1500,
        currency: 'EUR',
        number: 'SO-2026-000042',
      }),
    subject: `Refund of ${eur(1000)} for order SO-2026-000042`,
    contains: [eur(1000), eur(1500)],
  },
  {
    name: 'payment.refunded (in full, USD)',
    render: () =>
      paymentRefundedEmail(ctx, {
        paymentId: ORDER,
        orderId: ORDER,
        amount: 123456,
        refundedTotal: 123456,
        currency: 'USD',
        number: 'SO-2026-000042',
      }),
    subject: 'Refund of $1,234.56 for order SO-2026-000042',
    contains: ['$1,234.56'],
    absent: ['so far'],
  },
];

describe('email templates', () => {
  it.each(cases)('$name: subject, text and HTML', ({ render, subject, contains, absent }) => {
    const mail = render();
    expect(mail.subject).toBe(subject);
    expect(mail.html).toMatch(/^<!doctype html>/);
    for (const part of contains) {
      expect(mail.text).toContain(part);
      expect(mail.html).toContain(escapeHtml(part));
    }
    for (const part of absent ?? []) {
      expect(mail.text).not.toContain(part);
      expect(mail.html).not.toContain(part);
    }
    expect(mail.html).not.toMatch(/<Large>|<my>/);
  });
});

describe('SMS templates', () => {
  it.each([
    ['order.placed', () => orderPlacedSms(ctx, placed), ['SO-2026-000042', eur(3599), 'Test Shop']],
    [
      'order.shipped',
      () => orderShippedSms(ctx, { orderId: ORDER, number: 'SO-2026-000042', carrier: 'UPS', trackingNumber: '1Z999', email: 'a@b.co' }),
      ['SO-2026-000042', 'UPS', '1Z999'],
    ],
    [
      'order.delivered',
      () => orderDeliveredSms(ctx, { orderId: ORDER, number: 'SO-2026-000042' }),
      ['SO-2026-000042', 'delivered', 'Test Shop'],
    ],
  ] as const)('%s: short, with the essentials', (_name, render, parts) => {
    const text = render();
    expect(text.length).toBeLessThanOrEqual(160);
    for (const part of parts) expect(text).toContain(part);
  });
});

describe('escapeHtml', () => {
  it('escapes markup characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
