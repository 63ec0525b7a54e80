import { describe, expect, it } from 'vitest';
import {
  diffLines,
  effectiveStatus,
  planAdd,
  planMerge,
  planRemove,
  planUpdate,
  priceCart,
  type ProductSnapshot,
  type Products,
} from './domain.js';

const A = 'a'.repeat(24);
const B = 'b'.repeat(24);
const C = 'c'.repeat(24);
const MISSING = 'd'.repeat(24);
const limits = { maxLineQuantity: 99, maxCartLines: 3 };
const snap = (id: string, price: number, available: number, status: ProductSnapshot['status'] = 'ACTIVE'): ProductSnapshot => ({
  id,
  price,
  status,
  available,
});
const products: Products = new Map([
  [A, snap(A, 1000, 50)],
  [B, snap(B, 333, 2)],
  [C, snap(C, 500, 10, 'ARCHIVED')],
  [MISSING, null],
]);
const codes = (plan: ReturnType<typeof planAdd>) => (plan.ok ? [] : plan.errors.map((e) => [e.code, e.field?.join('.')]));

describe('planAdd', () => {
  it('adds to what the cart holds and appends new products in order', () => {
    expect(
      planAdd(
        [{ productId: A, quantity: 2 }],
        [
          { productId: B, quantity: 1 },
          { productId: A, quantity: 3 },
        ],
        products,
        limits,
        ['lines'],
      ),
    ).toEqual({
      ok: true,
      lines: [
        { productId: A, quantity: 5 },
        { productId: B, quantity: 1 },
      ],
    });
  });

  it('sums the same product given twice and checks the sum', () => {
    expect(
      planAdd(
        [],
        [
          { productId: B, quantity: 1 },
          { productId: B, quantity: 1 },
        ],
        products,
        limits,
        ['lines'],
      ),
    ).toEqual({ ok: true, lines: [{ productId: B, quantity: 2 }] });
    expect(
      codes(
        planAdd(
          [],
          [
            { productId: B, quantity: 2 },
            { productId: B, quantity: 1 },
          ],
          products,
          limits,
          ['lines'],
        ),
      ),
    ).toEqual([['OUT_OF_STOCK', 'lines.0.quantity']]);
  });

  it.each([0, -1, 100, 1_000_000_000, 1.5])('refuses quantity %s with INVALID_QUANTITY on its field', (quantity) => {
    expect(
      codes(
        planAdd(
          [],
          [
            { productId: A, quantity: 1 },
            { productId: A, quantity },
          ],
          products,
          limits,
          ['lines'],
        ),
      ),
    ).toEqual([['INVALID_QUANTITY', 'lines.1.quantity']]);
  });

  it('reports every faulty line with its code and field', () => {
    const plan = planAdd(
      [],
      [
        { productId: MISSING, quantity: 1 },
        { productId: C, quantity: 1 },
        { productId: B, quantity: 3 },
        { productId: A, quantity: 1 },
      ],
      products,
      limits,
      ['input', 'lines'],
    );
    expect(codes(plan)).toEqual([
      ['PRODUCT_NOT_FOUND', 'input.lines.0.productId'],
      ['PRODUCT_UNAVAILABLE', 'input.lines.1.productId'],
      ['OUT_OF_STOCK', 'input.lines.2.quantity'],
    ]);
  });

  it('says how many are left and how many the cart holds', () => {
    const plan = planAdd([{ productId: B, quantity: 1 }], [{ productId: B, quantity: 2 }], products, limits, ['lines']);
    expect(plan.ok ? '' : plan.errors[0]!.message).toBe(`only 2 left of product ${B}; the cart already holds 1`);
  });

  it('keeps a line within the line maximum, counting what the cart holds', () => {
    expect(
      codes(
        planAdd([{ productId: A, quantity: 98 }], [{ productId: A, quantity: 2 }], products, { ...limits, maxLineQuantity: 99 }, ['lines']),
      ),
    ).toEqual([['INVALID_QUANTITY', 'lines.0.quantity']]);
  });

  it('refuses a fourth product when a cart holds at most three', () => {
    const full = [A, B, MISSING].map((productId) => ({ productId, quantity: 1 }));
    const more = new Map([...products, ['e'.repeat(24), snap('e'.repeat(24), 1, 5)]]);
    expect(codes(planAdd(full, [{ productId: 'e'.repeat(24), quantity: 1 }], more, limits, ['lines']))).toEqual([
      ['TOO_MANY_LINES', 'lines'],
    ]);
  });
});

describe('planUpdate', () => {
  const cart = [
    { productId: A, quantity: 5 },
    { productId: B, quantity: 2 },
  ];

  it('sets quantities, removes at 0 and adds products not in the cart', () => {
    expect(
      planUpdate(
        cart,
        [
          { productId: A, quantity: 1 },
          { productId: B, quantity: 0 },
        ],
        products,
        limits,
        ['lines'],
      ),
    ).toEqual({ ok: true, lines: [{ productId: A, quantity: 1 }] });
  });

  it('always lets a quantity go down, even of an archived or scarce product', () => {
    const held = [
      { productId: C, quantity: 4 },
      { productId: B, quantity: 5 },
    ];
    expect(
      planUpdate(
        held,
        [
          { productId: C, quantity: 1 },
          { productId: B, quantity: 3 },
        ],
        products,
        limits,
        ['lines'],
      ),
    ).toEqual({
      ok: true,
      lines: [
        { productId: C, quantity: 1 },
        { productId: B, quantity: 3 },
      ],
    });
  });

  it('checks a raise like an add and refuses negative quantities', () => {
    expect(
      codes(
        planUpdate(
          cart,
          [
            { productId: B, quantity: 3 },
            { productId: A, quantity: -1 },
          ],
          products,
          limits,
          ['lines'],
        ),
      ),
    ).toEqual([
      ['OUT_OF_STOCK', 'lines.0.quantity'],
      ['INVALID_QUANTITY', 'lines.1.quantity'],
    ]);
  });
});

describe('planRemove and diffLines', () => {
  it('removes the given products and ignores unknown ones', () => {
    expect(
      planRemove(
        [
          { productId: A, quantity: 1 },
          { productId: B, quantity: 2 },
        ],
        [B, C],
      ),
    ).toEqual([{ productId: A, quantity: 1 }]);
  });

  it('records signed deltas per product', () => {
    expect(
      diffLines(
        [
          { productId: A, quantity: 1 },
          { productId: B, quantity: 2 },
        ],
        [
          { productId: A, quantity: 4 },
          { productId: C, quantity: 1 },
        ],
      ),
    ).toEqual([
      { productId: A, delta: 3 },
      { productId: C, delta: 1 },
      { productId: B, delta: -2 },
    ]);
  });
});

describe('planMerge', () => {
  it('sums quantities capped at what is available, and skips what cannot be sold', () => {
    const merged = planMerge(
      [{ productId: B, quantity: 1 }],
      [
        { productId: B, quantity: 5 },
        { productId: A, quantity: 3 },
        { productId: C, quantity: 1 },
        { productId: MISSING, quantity: 1 },
      ],
      products,
      { maxLineQuantity: 99, maxCartLines: 10 },
    );
    expect(merged).toEqual([
      { productId: B, quantity: 2 },
      { productId: A, quantity: 3 },
    ]);
  });

  it('never lowers what the customer holds and respects the line limits', () => {
    const held = [{ productId: B, quantity: 4 }];
    expect(planMerge(held, [{ productId: B, quantity: 1 }], products, limits)).toEqual(held);
    expect(
      planMerge(
        [],
        [
          { productId: A, quantity: 60 },
          { productId: A, quantity: 60 },
        ],
        products,
        { maxLineQuantity: 99, maxCartLines: 1 },
      ),
    ).toEqual([{ productId: A, quantity: 50 }]);
    expect(
      planMerge([{ productId: B, quantity: 1 }], [{ productId: A, quantity: 1 }], products, { maxLineQuantity: 99, maxCartLines: 1 }),
    ).toEqual([{ productId: B, quantity: 1 }]);
  });
});

describe('priceCart', () => {
  it('prices at current prices with tax half-up per line', () => {
    // 333 × 3 = 999 → tax 199.8 → 200; 1000 × 1 → 200; 500 × 1 (archived) → 100
    const priced = priceCart(
      [
        { productId: B, quantity: 3 },
        { productId: A, quantity: 1 },
        { productId: C, quantity: 1 },
      ],
      products,
      2000,
    );
    expect({ subtotal: priced.subtotal, tax: priced.tax, total: priced.total }).toEqual({ subtotal: 2499, tax: 500, total: 2999 });
    expect(priced.lines.get(B)).toEqual({ unitPrice: 333, lineTotal: 999, available: false });
    expect(priced.lines.get(A)).toEqual({ unitPrice: 1000, lineTotal: 1000, available: true });
    expect(priced.lines.get(C)?.available).toBe(false);
  });

  it('prices a product the catalog no longer knows at 0, unavailable', () => {
    expect(priceCart([{ productId: MISSING, quantity: 2 }], products, 2000)).toMatchObject({
      total: 0,
      lines: new Map([[MISSING, { unitPrice: 0, lineTotal: 0, available: false }]]),
    });
  });
});

describe('effectiveStatus', () => {
  const at = new Date('2026-01-08T00:00:00Z');
  it('is EXPIRED for an ACTIVE cart at or past its expiry, whatever the sweeper did', () => {
    expect(effectiveStatus({ status: 'ACTIVE', expiresAt: at }, new Date(at.getTime() - 1))).toBe('ACTIVE');
    expect(effectiveStatus({ status: 'ACTIVE', expiresAt: at }, at)).toBe('EXPIRED');
    expect(effectiveStatus({ status: 'MERGED', expiresAt: at }, new Date(at.getTime() + 1))).toBe('MERGED');
  });
});
