import { describe, expect, it } from 'vitest';
import { formatMoney, toMinorUnits } from './money.js';

describe('formatMoney', () => {
  it('shows minor units with the currency’s own decimals', () => {
    expect(formatMoney({ amount: 1999, currency: 'EUR' })).toBe('€19.99');
    expect(formatMoney({ amount: 5, currency: 'USD' })).toBe('$0.05');
    expect(formatMoney({ amount: 500, currency: 'JPY' })).toBe('¥500');
    expect(formatMoney({ amount: 123456, currency: 'EUR' }, 'de-DE')).toBe('1.234,56\u00a0€');
  });

  it('never rounds through floats: every cent amount prints exactly', () => {
    for (const amount of [1, 10, 29, 57, 99, 1005, 1015, 100_000_01]) {
      const text = formatMoney({ amount, currency: 'USD' });
      expect(Number(text.replace(/[$,]/g, '')) * 100).toBeCloseTo(amount, 6);
    }
  });
});

describe('toMinorUnits', () => {
  it('reads a typed price in major units', () => {
    expect(toMinorUnits('19.99')).toBe(1999);
    expect(toMinorUnits(' 20 ')).toBe(2000);
    expect(toMinorUnits('0.1')).toBe(10);
  });

  it('returns undefined for empty or invalid input (no filter)', () => {
    for (const text of ['', ' ', 'abc', '-5', '1e3', '1,5']) expect(toMinorUnits(text)).toBeUndefined();
  });
});
