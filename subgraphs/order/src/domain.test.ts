import { describe, expect, it } from 'vitest';
import { COUNTRY_CODES } from './countries.js';
import {
  canMove,
  checkContact,
  describeDuration,
  isCancellable,
  orderNumber,
  priceOrder,
  stateOf,
  type ProductSnapshot,
} from './domain.js';
import type { OrderDoc, OrderStatus, TransitionDoc } from './model.js';

const ADDRESS = { name: 'Ada', line1: '1 Main St', city: 'London', postalCode: 'N1', country: 'GB' };
const codes = (input: Parameters<typeof checkContact>[0]) => checkContact(input).errors.map((e) => [e.code, e.field?.join('.')]);

describe('lifecycle', () => {
  it.each([
    ['PENDING_PAYMENT', 'PAID', true],
    ['PENDING_PAYMENT', 'CANCELLED', true],
    ['PENDING_PAYMENT', 'SHIPPED', false],
    ['PAID', 'SHIPPED', true],
    ['PAID', 'CANCELLED', true],
    ['PAID', 'DELIVERED', false],
    ['SHIPPED', 'DELIVERED', true],
    ['SHIPPED', 'CANCELLED', false],
    ['DELIVERED', 'CANCELLED', false],
    ['CANCELLED', 'PAID', false],
    ['PAID', 'PAID', false],
  ] as [OrderStatus, OrderStatus, boolean][])('%s → %s: %s', (from, to, legal) => {
    expect(canMove(from, to)).toBe(legal);
  });

  it('cancels only from PENDING_PAYMENT or PAID', () => {
    expect((['PENDING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const).filter(isCancellable)).toEqual([
      'PENDING_PAYMENT',
      'PAID',
    ]);
  });
});

describe('stateOf', () => {
  const order = { _id: 'o1', createdAt: new Date('2026-01-01T00:00:00Z') } as OrderDoc;
  const t = (version: number, status: OrderStatus, extra: Partial<TransitionDoc> = {}): TransitionDoc =>
    ({
      _id: `o1:${version}`,
      orderId: 'o1',
      version,
      kind: 'STATUS',
      status,
      at: new Date(Date.UTC(2026, 0, 1, version)),
      note: `n${version}`,
      tracking: null,
      sourceEventId: `o1:${version}`,
      ...extra,
    }) as TransitionDoc;

  it('starts PENDING_PAYMENT at creation', () => {
    const s = stateOf(order, []);
    expect([s.status, s.version, s.updatedAt, s.timeline]).toEqual([
      'PENDING_PAYMENT',
      0,
      order.createdAt,
      [{ status: 'PENDING_PAYMENT', at: order.createdAt, note: 'Order placed' }],
    ]);
  });

  it('follows the records in version order, keeps the tracking and the consumed event ids, and stops at a gap', () => {
    const s = stateOf(order, [
      t(2, 'SHIPPED', { tracking: { carrier: 'DHL', trackingNumber: '1' } }),
      t(1, 'PAID', { sourceEventId: 'evt-1' }),
      t(4, 'DELIVERED'),
    ]);
    expect(s.status).toBe('SHIPPED');
    expect(s.version).toBe(2);
    expect(s.timeline.map((e) => e.status)).toEqual(['PENDING_PAYMENT', 'PAID', 'SHIPPED']);
    expect(s.tracking).toEqual({ carrier: 'DHL', trackingNumber: '1' });
    expect([...s.sourceEventIds]).toEqual(['evt-1']);
    expect(s.updatedAt).toEqual(new Date(Date.UTC(2026, 0, 1, 2)));
    expect(s.records.map((r) => r.version)).toEqual([1, 2]);
  });
});

describe('orderNumber', () => {
  it.each([
    [2026, 1, 'SO-2026-000001'],
    [2026, 123, 'SO-2026-000123'],
    [2027, 999_999, 'SO-2027-999999'],
    [2027, 1_000_000, 'SO-2027-1000000'],
  ])('%i #%i → %s', (year, seq, expected) => {
    expect(orderNumber(year, seq)).toBe(expected);
  });
});

describe('checkContact', () => {
  it('accepts and normalises a valid contact', () => {
    const { contact, errors } = checkContact({
      email: ' ada@example.com ',
      phone: ' +49 (30) 123-456 ',
      shippingAddress: { ...ADDRESS, country: 'gb', line2: '  ', region: ' Greater London ' },
    });
    expect(errors).toEqual([]);
    expect(contact).toEqual({
      email: 'ada@example.com',
      phone: '+49 (30) 123-456',
      address: { ...ADDRESS, line2: null, region: 'Greater London' },
    });
  });

  it.each([
    [{ email: 'ada' }, [['INVALID_EMAIL', 'input.email']]],
    [{ email: 'ada@' }, [['INVALID_EMAIL', 'input.email']]],
    [{ email: `${'a'.repeat(250)}@example.com` }, [['INVALID_EMAIL', 'input.email']]],
    [{ phone: 'abc' }, [['INVALID_PHONE', 'input.phone']]],
    [{ phone: '12' }, [['INVALID_PHONE', 'input.phone']]],
    [{ phone: '' }, []],
    [{ shippingAddress: { ...ADDRESS, country: 'UK' } }, [['INVALID_ADDRESS', 'input.shippingAddress.country']]],
    [{ shippingAddress: { ...ADDRESS, country: 'USA' } }, [['INVALID_ADDRESS', 'input.shippingAddress.country']]],
    [
      { shippingAddress: { ...ADDRESS, name: ' ', city: '' } },
      [
        ['INVALID_ADDRESS', 'input.shippingAddress.name'],
        ['INVALID_ADDRESS', 'input.shippingAddress.city'],
      ],
    ],
    [{ shippingAddress: { ...ADDRESS, line2: 'a\u0000b' } }, [['INVALID_ADDRESS', 'input.shippingAddress.line2']]],
    [{ shippingAddress: { ...ADDRESS, region: 'r'.repeat(201) } }, [['INVALID_ADDRESS', 'input.shippingAddress.region']]],
  ])('%j → %j', (change, expected) => {
    expect(codes({ email: 'ada@example.com', shippingAddress: ADDRESS, ...change })).toEqual(expected);
  });

  it('knows the 249 ISO 3166-1 alpha-2 codes', () => {
    expect(COUNTRY_CODES.size).toBe(249);
    for (const c of ['DE', 'US', 'GB', 'JP', 'AX', 'SS']) expect(COUNTRY_CODES.has(c)).toBe(true);
    for (const c of ['UK', 'EU', 'XX', 'de']) expect(COUNTRY_CODES.has(c)).toBe(false);
  });
});

describe('priceOrder', () => {
  const snap = (id: string, price: number, available = 10, status: 'ACTIVE' | 'ARCHIVED' = 'ACTIVE'): ProductSnapshot => ({
    id,
    sku: `SKU-${id}`,
    name: `Name ${id}`,
    price,
    status,
    available,
  });

  it('prices lines at current prices with half-up tax per line', () => {
    const priced = priceOrder(
      [
        { productId: 'a', quantity: 2 },
        { productId: 'b', quantity: 3 },
      ],
      new Map([
        ['a', snap('a', 1299)],
        ['b', snap('b', 333)],
      ]),
      2000,
    );
    expect(priced).toEqual({
      ok: true,
      lines: [
        { productId: 'a', sku: 'SKU-a', name: 'Name a', unitPrice: 1299, quantity: 2, lineTotal: 2598 },
        { productId: 'b', sku: 'SKU-b', name: 'Name b', unitPrice: 333, quantity: 3, lineTotal: 999 },
      ],
      subtotal: 3597,
      tax: 720,
      total: 4317,
    });
  });

  it('refuses unknown and archived products and lines the stock cannot cover', () => {
    const priced = priceOrder(
      [
        { productId: 'gone', quantity: 1 },
        { productId: 'old', quantity: 1 },
        { productId: 'few', quantity: 3 },
        { productId: 'ok', quantity: 1 },
      ],
      new Map([
        ['gone', null],
        ['old', snap('old', 100, 5, 'ARCHIVED')],
        ['few', snap('few', 100, 2)],
        ['ok', snap('ok', 100)],
      ]),
      2000,
    );
    expect(priced.ok).toBe(false);
    expect(!priced.ok && priced.errors.map((e) => [e.code, e.message])).toEqual([
      ['PRODUCT_UNAVAILABLE', 'product gone is no longer sold; remove it from the cart'],
      ['PRODUCT_UNAVAILABLE', 'product old is no longer sold; remove it from the cart'],
      ['OUT_OF_STOCK', 'only 2 left of product few, 3 wanted'],
    ]);
  });
});

describe('describeDuration', () => {
  it.each([
    [1_800_000, '30 min'],
    [7_200_000, '2 h'],
    [90_000, '90 s'],
    [700, '700 ms'],
  ])('%i → %s', (ms, text) => {
    expect(describeDuration(ms)).toBe(text);
  });
});
