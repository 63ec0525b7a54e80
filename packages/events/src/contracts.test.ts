import { describe, expect, it } from 'vitest';
import {
  createEvent,
  decodeEvent,
  derivedEventId,
  EVENT_SUBJECTS,
  EventValidationError,
  parseAnyEvent,
  parseEvent,
  type EventData,
  type EventSubject,
} from './contracts.js';

const ORDER = '3f0c8d52-8a7e-4c6b-9d2e-1a2b3c4d5e6f';
const PAYMENT = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const INVOICE = '0f9e8d7c-6b5a-4c3d-9e1f-a2b3c4d5e6f7';
const CART = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const opts = { source: 'test', correlationId: 'req-1' };

/** One valid payload per subject; every case below starts from these. */
const VALID: { [S in EventSubject]: EventData<S> } = {
  'shop.order.placed.v1': {
    orderId: ORDER,
    number: 'SO-2026-000123',
    cartId: CART,
    customerId: 'alice',
    email: 'alice@example.com',
    phone: '+441234567890',
    lines: [
      { productId: '65a1b2c3d4e5f6a7b8c9d0e1', sku: 'SKU-1', name: 'Mug', unitPrice: 1250, quantity: 2, lineTotal: 2500 },
      { productId: '65a1b2c3d4e5f6a7b8c9d0e2', sku: 'SKU-2', name: 'Tea', unitPrice: 399, quantity: 1, lineTotal: 399 },
    ],
    subtotal: 2899,
    tax: 580,
    total: 3479,
    currency: 'USD',
  },
  'shop.order.paid.v1': { orderId: ORDER, number: 'SO-2026-000123', paymentId: PAYMENT, total: 3479, currency: 'USD' },
  'shop.order.cancelled.v1': {
    orderId: ORDER,
    number: 'SO-2026-000123',
    reason: 'PAYMENT_TIMEOUT',
    wasPaid: false,
    lines: [{ productId: '65a1b2c3d4e5f6a7b8c9d0e1', quantity: 2 }],
    email: 'alice@example.com',
  },
  'shop.order.shipped.v1': {
    orderId: ORDER,
    number: 'SO-2026-000123',
    carrier: 'DHL',
    trackingNumber: 'JD0001',
    email: 'alice@example.com',
  },
  'shop.order.delivered.v1': { orderId: ORDER, number: 'SO-2026-000123' },
  'shop.payment.succeeded.v1': { paymentId: PAYMENT, orderId: ORDER, amount: 3479, currency: 'USD', providerReference: 'ch_123' },
  'shop.payment.failed.v1': {
    paymentId: PAYMENT,
    orderId: ORDER,
    amount: 3479,
    currency: 'USD',
    failureCode: 'CARD_DECLINED',
    failureMessage: 'Your card was declined',
  },
  'shop.payment.refunded.v1': { paymentId: PAYMENT, orderId: ORDER, amount: 1000, refundedTotal: 1000, currency: 'USD' },
  'shop.invoice.issued.v1': { invoiceId: INVOICE, orderId: ORDER, number: 'INV-2026-000001' },
  'shop.invoice.rendered.v1': { invoiceId: INVOICE, orderId: ORDER, number: 'INV-2026-000001', bytes: 48_213, sha256: 'a'.repeat(64) },
  'shop.product.changed.v1': {
    productId: 'a'.repeat(24),
    version: 2,
    status: 'ACTIVE',
    price: 1200,
    nameKey: 'red mug',
    searchText: 'red mug mugs',
    categoryPath: ['b'.repeat(24)],
    createdAt: '2026-12-01T10:00:00.000Z',
  },
  'shop.product.stock-changed.v1': { productId: 'a'.repeat(24), version: 3, available: 0 },
};

type Case = [subject: EventSubject, description: string, patch: (d: Record<string, unknown>) => void, issuePath: string];

const INVALID: Case[] = [
  ['shop.order.placed.v1', 'an order id that is not a UUID', (d) => (d.orderId = 'order-1'), 'data.orderId'],
  ['shop.order.placed.v1', 'a malformed order number', (d) => (d.number = 'SO-1'), 'data.number'],
  ['shop.order.placed.v1', 'a cart id that is not a UUID', (d) => (d.cartId = 'cart-1'), 'data.cartId'],
  ['shop.order.placed.v1', 'a malformed email', (d) => (d.email = 'alice'), 'data.email'],
  ['shop.order.placed.v1', 'no lines', (d) => (d.lines = []), 'data.lines'],
  ['shop.order.placed.v1', 'a fractional amount (money is minor units)', (d) => (d.tax = 580.5), 'data.tax'],
  ['shop.order.placed.v1', 'a total that is not subtotal + tax', (d) => (d.total = 3480), 'data.total'],
  ['shop.order.placed.v1', 'a subtotal that is not the sum of the lines', (d) => ((d.subtotal = 2900), (d.total = 3480)), 'data.subtotal'],
  [
    'shop.order.placed.v1',
    'a line total that is not price × quantity',
    (d) => ((d.lines as Record<string, unknown>[])[0]!.lineTotal = 2499),
    'data.lines.0.lineTotal',
  ],
  ['shop.order.placed.v1', 'a zero quantity', (d) => ((d.lines as Record<string, unknown>[])[0]!.quantity = 0), 'data.lines.0.quantity'],
  ['shop.order.placed.v1', 'a lower-case currency', (d) => (d.currency = 'usd'), 'data.currency'],
  ['shop.order.paid.v1', 'a missing payment id', (d) => delete d.paymentId, 'data.paymentId'],
  ['shop.order.paid.v1', 'a negative total', (d) => (d.total = -1), 'data.total'],
  ['shop.order.cancelled.v1', 'wasPaid as a string', (d) => (d.wasPaid = 'false'), 'data.wasPaid'],
  ['shop.order.cancelled.v1', 'an empty reason', (d) => (d.reason = ''), 'data.reason'],
  ['shop.order.shipped.v1', 'a missing tracking number', (d) => delete d.trackingNumber, 'data.trackingNumber'],
  ['shop.order.delivered.v1', 'a missing number', (d) => delete d.number, 'data.number'],
  ['shop.payment.succeeded.v1', 'a zero amount', (d) => (d.amount = 0), 'data.amount'],
  ['shop.payment.succeeded.v1', 'an amount as a string', (d) => (d.amount = '3479'), 'data.amount'],
  ['shop.payment.failed.v1', 'a missing failure code', (d) => delete d.failureCode, 'data.failureCode'],
  ['shop.payment.refunded.v1', 'a refunded total below this refund', (d) => (d.refundedTotal = 999), 'data.refundedTotal'],
  ['shop.invoice.issued.v1', 'an order number instead of an invoice number', (d) => (d.number = 'SO-2026-000123'), 'data.number'],
  ['shop.invoice.rendered.v1', 'an upper-case sha256', (d) => (d.sha256 = 'A'.repeat(64)), 'data.sha256'],
  ['shop.invoice.rendered.v1', 'zero bytes', (d) => (d.bytes = 0), 'data.bytes'],
  ['shop.product.changed.v1', 'a product id that is not an ObjectId', (d) => (d.productId = 'p1'), 'data.productId'],
  ['shop.product.changed.v1', 'a fractional price', (d) => (d.price = 12.5), 'data.price'],
  ['shop.product.stock-changed.v1', 'a negative balance', (d) => (d.available = -1), 'data.available'],
];

const clone = <T>(v: T): T => structuredClone(v);

describe('event contracts', () => {
  it('covers every subject of the docs/design.md §5 table', () => {
    expect([...EVENT_SUBJECTS].sort()).toEqual(
      [
        'shop.invoice.issued.v1',
        'shop.invoice.rendered.v1',
        'shop.order.cancelled.v1',
        'shop.order.delivered.v1',
        'shop.order.paid.v1',
        'shop.order.placed.v1',
        'shop.order.shipped.v1',
        'shop.payment.failed.v1',
        'shop.payment.refunded.v1',
        'shop.payment.succeeded.v1',
        'shop.product.changed.v1',
        'shop.product.stock-changed.v1',
      ].sort(),
    );
    expect(Object.keys(VALID).sort()).toEqual([...EVENT_SUBJECTS].sort());
  });

  it.each(EVENT_SUBJECTS)('accepts a valid %s and round-trips it through JSON', (subject) => {
    const event = createEvent(subject, clone(VALID[subject]) as never, opts);
    expect(event.type).toBe(subject);
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.correlationId).toBe('req-1');
    expect(Number.isNaN(Date.parse(event.occurredAt))).toBe(false);
    const received = decodeEvent(subject, new TextEncoder().encode(JSON.stringify(event)));
    expect(received).toEqual(event);
    expect(parseAnyEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it.each(INVALID)('%s: rejects %s', (subject, _description, patch, issuePath) => {
    const data = clone(VALID[subject]) as Record<string, unknown>;
    patch(data);
    const err = (() => {
      try {
        createEvent(subject, data as never, opts);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(EventValidationError);
    expect((err as EventValidationError).issues.some((i) => i.startsWith(`${issuePath}:`))).toBe(true);
    // The consumer side applies the same contract.
    const raw = { id: derivedEventId('x'), type: subject, occurredAt: new Date().toISOString(), ...opts, data };
    expect(() => parseEvent(subject, raw)).toThrow(EventValidationError);
  });

  it('keeps optional fields optional', () => {
    const { customerId: _c, phone: _p, ...guest } = clone(VALID['shop.order.placed.v1']);
    expect(createEvent('shop.order.placed.v1', guest, opts).data).toEqual(guest);
    // order.placed events stored before cartId was added still parse, with no cartId
    const { cartId: _cart, ...before } = clone(VALID['shop.order.placed.v1']);
    const stored = { id: derivedEventId('z'), type: 'shop.order.placed.v1', occurredAt: new Date().toISOString(), ...opts, data: before };
    expect(parseEvent('shop.order.placed.v1', JSON.parse(JSON.stringify(stored))).data).toEqual(before);
    expect(parseEvent('shop.order.placed.v1', stored).data.cartId).toBeUndefined();
    expect(createEvent('shop.order.shipped.v1', VALID['shop.order.shipped.v1'], opts).data.phone).toBeUndefined();
    const withPhone = { ...VALID['shop.order.shipped.v1'], phone: '+15550001' };
    expect(createEvent('shop.order.shipped.v1', withPhone, opts).data.phone).toBe('+15550001');
  });

  it('strips unknown data fields, so adding an optional field is not breaking', () => {
    const raw = { id: derivedEventId('y'), type: 'shop.order.delivered.v1', occurredAt: new Date().toISOString(), ...opts };
    const event = parseEvent('shop.order.delivered.v1', { ...raw, data: { ...VALID['shop.order.delivered.v1'], extra: 1 } });
    expect(event.data).toEqual(VALID['shop.order.delivered.v1']);
  });

  const envelopeCases: [string, Record<string, unknown>, string][] = [
    ['a non-UUID id', { id: 'evt-1' }, 'id'],
    ['a type other than the subject', { type: 'shop.order.paid.v1' }, 'type'],
    ['a non-ISO occurredAt', { occurredAt: 'yesterday' }, 'occurredAt'],
    ['an empty source', { source: '' }, 'source'],
    ['a missing correlation id', { correlationId: undefined }, 'correlationId'],
    ['missing data', { data: undefined }, 'data'],
  ];
  it.each(envelopeCases)('rejects an envelope with %s', (_d, patch, path) => {
    const good = createEvent('shop.order.delivered.v1', VALID['shop.order.delivered.v1'], opts);
    const raw = JSON.parse(JSON.stringify({ ...good, ...patch })) as unknown;
    expect(() => parseEvent('shop.order.delivered.v1', raw)).toThrow(new RegExp(`${path}:`));
  });

  it('rejects a body that is not JSON and an unknown subject', () => {
    expect(() => decodeEvent('shop.order.paid.v1', new TextEncoder().encode('{nope'))).toThrow(/not JSON/);
    expect(() => parseAnyEvent({ type: 'shop.order.exploded.v1' })).toThrow(/unknown subject/);
    expect(() => parseAnyEvent(null)).toThrow(EventValidationError);
  });

  it('uses a given id and time (events whose id must stay stable)', () => {
    const id = derivedEventId('invoice.rendered:' + INVOICE);
    const at = new Date('2026-03-01T10:00:00Z');
    const e = createEvent('shop.invoice.rendered.v1', VALID['shop.invoice.rendered.v1'], { ...opts, id, occurredAt: at });
    expect(e.id).toBe(id);
    expect(e.occurredAt).toBe('2026-03-01T10:00:00.000Z');
  });

  it('derives stable, distinct UUID v5 ids from keys', () => {
    const a = derivedEventId('invoice.rendered:1');
    expect(a).toBe(derivedEventId('invoice.rendered:1'));
    expect(a).not.toBe(derivedEventId('invoice.rendered:2'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
