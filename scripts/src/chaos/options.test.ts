import { describe, expect, it } from 'vitest';
import { parseChaosArgs, seededRandom, UsageError } from './options.js';
import { BOUNDED_SHAPE, buildSchedule, FULL_SHAPE } from './schedule.js';

describe('npm run chaos options', () => {
  it('defaults to 100 purchases at concurrency 4, and 30 at 3 when bounded', () => {
    expect(parseChaosArgs(['--seed', '5'])).toEqual({ purchases: 100, concurrency: 4, bounded: false, seed: 5, keep: false });
    expect(parseChaosArgs(['--bounded', '--seed', '5'])).toMatchObject({ purchases: 30, concurrency: 3, bounded: true });
    expect(parseChaosArgs(['--purchases', '12', '--concurrency', '2', '--seed', '1'])).toMatchObject({ purchases: 12, concurrency: 2 });
  });

  it('answers --help with nothing to run, and refuses what it does not know', () => {
    expect(parseChaosArgs(['--help'])).toBeUndefined();
    expect(() => parseChaosArgs(['--purchases', '0'])).toThrow(UsageError);
    expect(() => parseChaosArgs(['--purchases', 'ten'])).toThrow(UsageError);
    expect(() => parseChaosArgs(['--fast'])).toThrow(UsageError);
  });
});

const EVERY_PROCESS = [
  'gateway',
  'product',
  'cart',
  'order',
  'payment',
  'invoice',
  'messaging',
  'invoice-renderer',
  'chromium',
  'payment-sandbox',
  'sms-sandbox',
  'mail-catcher',
  'nats-server',
  'database',
];

describe('the fault schedule', () => {
  it('is the same for the same seed and differs for another', () => {
    const order = (seed: number) => buildSchedule(FULL_SHAPE, false, seededRandom(seed)).map((f) => `${f.target}:${f.signal}`);
    expect(order(3)).toEqual(order(3));
    expect(order(3)).not.toEqual(order(4));
  });

  it('hits every process, with one outage over 90 s and the database frozen for 60 s, bounded or not', () => {
    for (const [shape, bounded] of [
      [FULL_SHAPE, false],
      [BOUNDED_SHAPE, true],
    ] as const) {
      const faults = buildSchedule(shape, bounded, seededRandom(1));
      expect(new Set(faults.map((f) => f.target))).toEqual(new Set(EVERY_PROCESS));
      expect(faults.some((f) => f.action === 'kill' && f.outageMs > 90_000)).toBe(true);
      expect(faults).toContainEqual(expect.objectContaining({ target: 'database', signal: 'SIGSTOP', outageMs: 60_000 }));
      expect(faults).toContainEqual(expect.objectContaining({ target: 'database', signal: 'SIGKILL' }));
      expect(faults).toContainEqual(expect.objectContaining({ target: 'nats-server', signal: 'SIGKILL' }));
    }
  });
});
