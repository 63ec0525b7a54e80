import { createLogger } from '@shop/kit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Releases } from './releases.js';

const log = createLogger('test', 'silent');
const policy = { baseMs: 1_000, maxMs: 4_000, budgetMs: 20_000, maxPending: 2 };

/** A product service whose release fails `failures` times for each order, then succeeds; it records every call. */
function product(failures: number) {
  const calls: string[] = [];
  const failed = new Map<string, number>();
  const release = (orderId: string) => {
    calls.push(orderId);
    const n = failed.get(orderId) ?? 0;
    if (n < failures) {
      failed.set(orderId, n + 1);
      return Promise.reject(new Error('product unavailable'));
    }
    return Promise.resolve({ ok: true });
  };
  const written = new Set<string>();
  return { calls, written, ops: { release, written: (orderId: string) => Promise.resolve(written.has(orderId)) } };
}

describe('Releases', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('releases once when product answers, and retries nothing', async () => {
    const p = product(0);
    const releases = new Releases(p.ops, log, policy);
    expect(await releases.giveBack('o1', 'checkout failed', 'r1')).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(p.calls).toEqual(['o1']);
    expect(releases.retrying).toBe(0);
  });

  it('retries a failed release in the background, backing off (1, 2, 4, 4 s), until product answers', async () => {
    const p = product(4);
    const releases = new Releases(p.ops, log, policy);
    expect(await releases.giveBack('o1', 'checkout failed', 'r1')).toBe(false);
    expect(releases.retrying).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(p.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1); // 1 s
    expect(p.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2_000); // 3 s
    expect(p.calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(4_000); // 7 s
    expect(p.calls).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(4_000); // 11 s: the cap; this one succeeds
    expect(p.calls).toHaveLength(5);
    expect(releases.retrying).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(p.calls).toHaveLength(5);
  });

  it('gives up when the budget is spent, leaving the reservation to the sweeper', async () => {
    const p = product(Number.POSITIVE_INFINITY);
    const releases = new Releases(p.ops, log, policy);
    await releases.giveBack('o1', 'checkout failed', 'r1');
    await vi.advanceTimersByTimeAsync(120_000);
    // Tries at 0, 1, 3, 7, 11, 15, 19 s; the next (23 s) would be past the 20 s budget.
    expect(p.calls).toHaveLength(7);
    expect(releases.retrying).toBe(0);
  });

  it('retries at most maxPending releases at once', async () => {
    const p = product(1);
    const releases = new Releases(p.ops, log, policy);
    for (const id of ['o1', 'o2', 'o3']) await releases.giveBack(id, 'checkout failed', 'r1');
    expect(releases.retrying).toBe(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(p.calls.filter((id) => id === 'o3')).toEqual(['o3']);
    expect(p.calls.filter((id) => id === 'o1')).toEqual(['o1', 'o1']);
  });

  it('gives nothing back for an order that was written after all, however its insert looked to the caller', async () => {
    const p = product(1);
    const releases = new Releases(p.ops, log, policy);
    p.written.add('o1');
    expect(await releases.giveBack('o1', 'checkout failed', 'r1')).toBe(true);
    expect(p.calls).toEqual([]);
    // Written while a retry waited (the insert was applied late): the retry leaves its stock alone.
    expect(await releases.giveBack('o2', 'checkout failed', 'r1')).toBe(false);
    p.written.add('o2');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(p.calls).toEqual(['o2']);
    expect(releases.retrying).toBe(0);
  });

  it('stops retrying at shutdown', async () => {
    const p = product(Number.POSITIVE_INFINITY);
    const releases = new Releases(p.ops, log, policy);
    await releases.giveBack('o1', 'checkout failed', 'r1');
    releases.stop();
    expect(releases.retrying).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(p.calls).toEqual(['o1']);
  });
});
