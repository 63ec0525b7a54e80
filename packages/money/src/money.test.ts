import { describe, expect, it } from 'vitest';
import { formatMoney, money, priceLines, taxOf } from './index.js';

describe('taxOf', () => {
  it.each([
    // amount, bps, expected
    [0, 2000, 0],
    [1, 2000, 0], // 0.2 → 0
    [2, 2000, 0], // 0.4 → 0
    [3, 2000, 1], // 0.6 → 1
    [25, 2000, 5],
    [1999, 2000, 400], // 399.8 → 400
    [2, 2500, 1], // 0.5 → 1 (half-up)
    [6, 2500, 2], // 1.5 → 2 (half-up, not banker's)
    [10, 2500, 3], // 2.5 → 3
    [-6, 2500, -2], // symmetric for credits
    [123456, 0, 0],
    [100, 10000, 100],
  ])('tax of %i at %i bps is %i', (amount, bps, expected) => {
    expect(taxOf(amount, bps)).toBe(expected);
  });

  it('refuses floats and out-of-range rates', () => {
    expect(() => taxOf(1.5, 2000)).toThrow(RangeError);
    expect(() => taxOf(100, -1)).toThrow(RangeError);
    expect(() => taxOf(100, 20.5)).toThrow(RangeError);
  });
});

describe('priceLines', () => {
  it('rounds per line, then sums', () => {
    // Three lines of 0.6 tax each: per-line rounding gives 3, rounding the sum (1.8) would give 2.
    const t = priceLines(
      [
        { unitPrice: 3, quantity: 1 },
        { unitPrice: 3, quantity: 1 },
        { unitPrice: 3, quantity: 1 },
      ],
      2000,
    );
    expect(t).toEqual({
      subtotal: 9,
      tax: 3,
      total: 12,
      lines: [
        { lineTotal: 3, tax: 1 },
        { lineTotal: 3, tax: 1 },
        { lineTotal: 3, tax: 1 },
      ],
    });
  });

  it('multiplies quantity before taxing', () => {
    const t = priceLines([{ unitPrice: 1999, quantity: 3 }], 2000);
    expect(t.lines[0]).toEqual({ lineTotal: 5997, tax: 1199 }); // 1199.4 → 1199
    expect(t.total).toBe(7196);
  });

  it('refuses negative quantities and overflowing totals', () => {
    expect(() => priceLines([{ unitPrice: 100, quantity: -1 }], 2000)).toThrow(RangeError);
    expect(() => priceLines([{ unitPrice: Number.MAX_SAFE_INTEGER, quantity: 2 }], 2000)).toThrow(RangeError);
  });
});

describe('money and formatMoney', () => {
  it('validates currency and amount', () => {
    expect(money(100, 'USD')).toEqual({ amount: 100, currency: 'USD' });
    expect(() => money(1.1, 'USD')).toThrow(RangeError);
    expect(() => money(1, 'usd')).toThrow(RangeError);
  });

  it('formats minor units with the currency exponent', () => {
    expect(formatMoney({ amount: 123456, currency: 'USD' })).toBe('$1,234.56');
    expect(formatMoney({ amount: 500, currency: 'JPY' })).toBe('¥500');
  });
});
