import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { exitWhenEnded } from './lifecycle.js';

const log = createLogger('lifecycle-test', 'silent');
const settle = () => new Promise((r) => setImmediate(r));

describe('exitWhenEnded: a loop that ends is fatal', () => {
  it.each([
    ['resolves', () => Promise.resolve()],
    ['rejects', () => Promise.reject(new Error('subscription failed'))],
  ])('exits 1 when the loop %s outside a shutdown', async (_how, done) => {
    const codes: number[] = [];
    exitWhenEnded(log, 'consumer test--x', done(), { stopping: () => false, exit: (c) => codes.push(c) });
    await settle();
    expect(codes).toEqual([1]);
  });

  it('does nothing while the loop runs', async () => {
    const codes: number[] = [];
    exitWhenEnded(log, 'consumer test--x', new Promise(() => {}), { stopping: () => false, exit: (c) => codes.push(c) });
    await settle();
    expect(codes).toEqual([]);
  });

  it('lets the loop end during a shutdown', async () => {
    const codes: number[] = [];
    exitWhenEnded(log, 'consumer test--x', Promise.resolve(), { stopping: () => true, exit: (c) => codes.push(c) });
    await settle();
    expect(codes).toEqual([]);
  });
});
