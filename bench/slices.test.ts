import { describe, expect, it } from 'vitest';
import { formatRatio, pairedRatio, shareByRequests } from './slices.js';

describe('shareByRequests', () => {
  it('splits the CPU in proportion to the requests each system sent', () => {
    expect(shareByRequests(100, [10, 30, 60, 0])).toEqual([10, 30, 60, 0]);
  });

  it('charges nothing when no system sent a request', () => {
    expect(shareByRequests(100, [0, 0])).toEqual([0, 0]);
  });
});

describe('pairedRatio', () => {
  it('is the geometric mean of the per-round ratios, with no spread when every round agrees', () => {
    const r = pairedRatio([90, 180, 45], [100, 200, 50]);
    expect(r.ratio).toBeCloseTo(0.9, 12);
    expect(r.low).toBeCloseTo(0.9, 12);
    expect(r.high).toBeCloseTo(0.9, 12);
  });

  it('pairs by round: a drift shared by both sides does not widen the interval, a spread between them does', () => {
    const base = [100, 120, 140, 160];
    const drifting = pairedRatio([95, 114, 133, 152], base); // 0.95 in every round while the machine drifts
    expect(drifting.high - drifting.low).toBeLessThan(1e-9);
    const noisy = pairedRatio([90, 126, 126, 168], base); // 0.90, 1.05, 0.90, 1.05
    expect(noisy.low).toBeLessThan(0.9);
    expect(noisy.high).toBeGreaterThan(1.0);
    expect(noisy.ratio).toBeCloseTo(Math.sqrt(0.9 * 1.05), 12);
  });

  it("uses Student's t for the number of rounds", () => {
    // log-ratios ±d around 0 in two rounds: sd = d·√2, half-width = t(1 df) · sd / √2 = 12.706 · d.
    const d = 0.01;
    const r = pairedRatio([Math.exp(d), Math.exp(-d)], [1, 1]);
    expect(Math.log(r.high)).toBeCloseTo(12.706 * d, 9);
    expect(Math.log(r.low)).toBeCloseTo(-12.706 * d, 9);
  });

  it('refuses rounds that do not pair, and prints one round without an interval', () => {
    expect(() => pairedRatio([1, 2], [1])).toThrow(/2 values against 1/);
    expect(() => pairedRatio([], [])).toThrow();
    expect(formatRatio(pairedRatio([3], [4]))).toBe('0.750');
    expect(formatRatio({ ratio: 0.9621, low: 0.9412, high: 0.9843 })).toBe('0.962 (0.941–0.984)');
  });
});
