import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, requireReservationOutlivesPayment, reservationTimingConfig } from './config.js';

const load = (env: Record<string, string>) => requireReservationOutlivesPayment('svc', parseConfig('svc', reservationTimingConfig, env));

describe('requireReservationOutlivesPayment', () => {
  it('accepts the defaults: a 45m reservation for a 30m payment window with a 10m margin', () => {
    expect(load({})).toEqual({ ORDER_PAYMENT_TIMEOUT: 1_800_000, RESERVATION_TTL: 2_700_000, RESERVATION_TTL_MARGIN: 600_000 });
    expect(load({ RESERVATION_TTL: '40m' }).RESERVATION_TTL).toBe(2_400_000);
  });

  it('refuses a reservation that would expire inside the payment window or its margin, naming the three values', () => {
    const broken: Record<string, string>[] = [{ RESERVATION_TTL: '15m' }, { ORDER_PAYMENT_TIMEOUT: '40m' }, { RESERVATION_TTL: '39m' }];
    for (const env of broken) {
      expect(() => load(env)).toThrow(ConfigError);
    }
    expect(() => load({ RESERVATION_TTL: '15m' })).toThrow(
      'RESERVATION_TTL: 15m must be at least ORDER_PAYMENT_TIMEOUT (30m) + RESERVATION_TTL_MARGIN (10m) = 40m',
    );
  });

  it('does not accept a margin of zero', () => {
    expect(() => load({ RESERVATION_TTL_MARGIN: '0' })).toThrow(/RESERVATION_TTL_MARGIN/);
  });
});
