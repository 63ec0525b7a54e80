import { describe, expect, it } from 'vitest';
import { eventName, formatToken, parseToken } from './token.js';

describe('live feed resume tokens', () => {
  it('round-trips the three stream positions', () => {
    const p = { ORDERS: 12, PAYMENTS: 0, INVOICES: 987654321 };
    expect(formatToken(p)).toBe('o12.p0.i987654321');
    expect(parseToken(formatToken(p))).toEqual(p);
  });

  it('refuses anything else', () => {
    for (const bad of ['', 'o1.p2', 'o1.p2.i3.x4', 'o-1.p2.i3', 'o1.p2.i3;', '1.2.3', `o${'9'.repeat(16)}.p1.i1`]) {
      expect(parseToken(bad), bad).toBeUndefined();
    }
  });

  it('names events after their subject without prefix and version', () => {
    expect(eventName('shop.order.paid.v1')).toBe('order.paid');
    expect(eventName('shop.invoice.rendered.v2')).toBe('invoice.rendered');
    expect(eventName('weird')).toBe('unknown');
  });
});
