import { describe, expect, it } from 'vitest';
import { retryDelay } from './webhooks.js';

describe('retryDelay', () => {
  it('doubles from the base and stops at the maximum', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, 1_000, 10_000))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it('stays finite for very late attempts', () => {
    expect(retryDelay(500, 1_000, 300_000)).toBe(300_000);
  });
});
