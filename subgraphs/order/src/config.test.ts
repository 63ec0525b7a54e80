import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('order configuration', () => {
  it('keeps a stock reservation alive longer than the payment window of its order', () => {
    const c = loadConfig({});
    expect(c.RESERVATION_TTL).toBeGreaterThanOrEqual(c.ORDER_PAYMENT_TIMEOUT + c.RESERVATION_TTL_MARGIN);
    expect(() => loadConfig({ RESERVATION_TTL: '15m', ORDER_PAYMENT_TIMEOUT: '30m' })).toThrow(/RESERVATION_TTL: 15m must be at least/);
    expect(() => loadConfig({ ORDER_PAYMENT_TIMEOUT: '1h' })).toThrow(/a stock reservation must outlive the payment window/);
  });
});
