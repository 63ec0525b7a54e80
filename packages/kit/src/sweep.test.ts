import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from './logger.js';
import { startPeriodic } from './sweep.js';

afterEach(() => vi.useRealTimers());

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('startPeriodic', () => {
  it('runs every interval, never two at once, and stop waits for the one in progress', async () => {
    vi.useFakeTimers();
    const runs: ReturnType<typeof deferred>[] = [];
    const stop = startPeriodic('test sweep', 1_000, createLogger('test', 'silent'), () => {
      runs.push(deferred());
      return runs.at(-1)!.promise;
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3_000); // the first sweep is still running: ticks skip
    expect(runs).toHaveLength(1);
    runs[0]!.resolve();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toHaveLength(2);

    let stopped = false;
    const stopping = stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(stopped).toBe(false);
    expect(runs).toHaveLength(2);
    runs[1]!.resolve();
    await stopping;
    expect(stopped).toBe(true);
  });

  it('logs a failed sweep and goes on with the next', async () => {
    vi.useFakeTimers();
    const log = createLogger('test', 'silent');
    const errors = vi.spyOn(log, 'error');
    let n = 0;
    const stop = startPeriodic('test sweep', 100, log, () => (++n === 1 ? Promise.reject(new Error('boom')) : Promise.resolve()));
    await vi.advanceTimersByTimeAsync(250);
    expect(n).toBe(2);
    expect(errors).toHaveBeenCalledWith({ err: expect.objectContaining({ message: 'boom' }) }, 'test sweep failed');
    await stop();
  });
});
