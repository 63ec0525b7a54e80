import { describe, expect, it } from 'vitest';
import { InFlight } from './in-flight.js';

/** A promise settled from outside, so a test decides when the shared work ends. */
function gate<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('InFlight', () => {
  it('runs work once for calls under one key while it is in flight, and again after it settled', async () => {
    const flights = new InFlight<number>();
    let starts = 0;
    const g = gate<number>();
    const calls = [1, 2, 3].map(() =>
      flights.run('k', () => {
        starts++;
        return g.promise;
      }),
    );
    expect(calls.map((c) => c.leader)).toEqual([true, false, false]);
    g.resolve(42);
    expect(await Promise.all(calls.map((c) => c.flight.outcome))).toEqual([42, 42, 42]);
    expect(starts).toBe(1);
    expect(calls[0]!.flight.joiners).toBe(2);
    expect(flights.joined).toBe(2);
    expect(flights.size).toBe(0);

    const again = flights.run('k', () => Promise.resolve(7));
    expect(again.leader).toBe(true);
    expect(await again.flight.outcome).toBe(7);
  });

  it('keeps different keys apart', async () => {
    const flights = new InFlight<string>();
    const a = flights.run('a', () => Promise.resolve('A'));
    const b = flights.run('b', () => Promise.resolve('B'));
    expect([a.leader, b.leader]).toEqual([true, true]);
    expect([await a.flight.outcome, await b.flight.outcome]).toEqual(['A', 'B']);
  });

  it('delivers a failure to every call that joined, and keeps nothing of it', async () => {
    const flights = new InFlight<number>();
    const g = gate<number>();
    const calls = [1, 2].map(() => flights.run('k', () => g.promise));
    g.reject(new Error('subgraph down'));
    for (const c of calls) await expect(c.flight.outcome).rejects.toThrow('subgraph down');
    const thrown = flights.run('k', () => {
      throw new Error('synchronous');
    });
    await expect(thrown.flight.outcome).rejects.toThrow('synchronous');
    expect(await flights.run('k', () => Promise.resolve(1)).flight.outcome).toBe(1);
  });
});
