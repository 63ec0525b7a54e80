import { describe, expect, it } from 'vitest';
import { checkRetryPolicy, isPermanent, PermanentError, retryDelayMs } from './retry.js';

describe('retry delays', () => {
  const policy = { baseDelayMs: 50, maxDelayMs: 1_000 };
  it.each([
    [1, 50],
    [2, 100],
    [3, 200],
    [4, 400],
    [5, 800],
    [6, 1_000],
    [50, 1_000],
    [0, 50],
  ])('after delivery %i waits %i ms', (deliveryCount, expected) => {
    expect(retryDelayMs(deliveryCount, policy)).toBe(expected);
  });

  it('grows strictly until the cap', () => {
    const delays = [1, 2, 3, 4, 5].map((n) => retryDelayMs(n, { baseDelayMs: 1_000, maxDelayMs: 60_000 }));
    for (let i = 1; i < delays.length; i++) expect(delays[i]!).toBeGreaterThan(delays[i - 1]!);
  });

  it.each([
    [{ baseDelayMs: 0, maxDelayMs: 10, maxDeliver: 3 }, /baseDelayMs/],
    [{ baseDelayMs: 100, maxDelayMs: 10, maxDeliver: 3 }, /maxDelayMs/],
    [{ baseDelayMs: 10, maxDelayMs: 10, maxDeliver: 0 }, /maxDeliver/],
    [{ baseDelayMs: 10, maxDelayMs: 10, maxDeliver: 1.5 }, /maxDeliver/],
  ])('rejects the policy %o', (p, message) => {
    expect(() => checkRetryPolicy(p)).toThrow(message);
  });

  it('classifies PermanentError only', () => {
    expect(isPermanent(new PermanentError('no such order'))).toBe(true);
    expect(isPermanent(new Error('timeout'))).toBe(false);
    expect(new PermanentError('x').name).toBe('PermanentError');
  });
});
