import { describe, expect, it } from 'vitest';
import { retryPolicyFrom } from './nats.js';
import { checkRetryPolicy, deliveriesForBudget, isPermanent, PermanentError, retryDelayMs } from './retry.js';

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

describe('deliveries for a retry budget', () => {
  it('spans 30 minutes with the defaults (1 s doubling to a 60 s cap): 36 deliveries', () => {
    const policy = { baseDelayMs: 1_000, maxDelayMs: 60_000 };
    const n = deliveriesForBudget(30 * 60_000, policy);
    expect(n).toBe(36);
    const waited = (k: number) => Array.from({ length: k - 1 }, (_, i) => retryDelayMs(i + 1, policy)).reduce((a, b) => a + b, 0);
    expect(waited(n)).toBeGreaterThanOrEqual(30 * 60_000);
    expect(waited(n - 1)).toBeLessThan(30 * 60_000);
  });

  it.each([
    [0, 1],
    [1, 2],
    [50, 2],
    [51, 3],
    [150, 3],
    [550, 5],
  ])('budget %i ms with 50 ms doubling to 200 ms → %i deliveries', (budget, deliveries) => {
    expect(deliveriesForBudget(budget, { baseDelayMs: 50, maxDelayMs: 200 })).toBe(deliveries);
  });

  it('refuses a budget that would need an unbounded number of deliveries', () => {
    expect(() => deliveriesForBudget(365 * 86_400_000, { baseDelayMs: 1, maxDelayMs: 1 })).toThrow(/RETRY_MAX_DELAY_MS/);
  });

  it('derives the policy from the env settings', () => {
    expect(retryPolicyFrom({ RETRY_BASE_DELAY_MS: 1_000, RETRY_MAX_DELAY_MS: 60_000, RETRY_BUDGET: 30 * 60_000 })).toEqual({
      baseDelayMs: 1_000,
      maxDelayMs: 60_000,
      maxDeliver: 36,
    });
  });
});
