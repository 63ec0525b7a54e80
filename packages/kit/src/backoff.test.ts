import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles the base per retry, from retry 0', () => {
    expect([0, 1, 2, 3].map((r) => backoffDelay(r, { baseMs: 100 }))).toEqual([100, 200, 400, 800]);
  });

  it('stops at the cap', () => {
    expect([5, 6, 7, 1_000].map((r) => backoffDelay(r, { baseMs: 1_000, maxMs: 8_000 }))).toEqual([8_000, 8_000, 8_000, 8_000]);
  });

  it('stays finite without a cap, and treats a negative retry as the first', () => {
    expect(Number.isFinite(backoffDelay(5_000, { baseMs: 1 }))).toBe(true);
    expect(backoffDelay(-1, { baseMs: 50 })).toBe(50);
  });
});
