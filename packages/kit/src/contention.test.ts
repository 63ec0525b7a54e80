import { describe, expect, it } from 'vitest';
import { locatedError } from 'graphql';
import { maskErrors } from './errors.js';
import { ConflictError, isConflict, KeyedSerializer } from './contention.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('KeyedSerializer', () => {
  it('runs tasks of one key one at a time, in order, and tasks of different keys side by side', async () => {
    const s = new KeyedSerializer();
    const running = new Map<string, number>();
    let maxPerKey = 0;
    let maxOverall = 0;
    const order: string[] = [];
    const task = (key: string, n: number) => async () => {
      running.set(key, (running.get(key) ?? 0) + 1);
      maxPerKey = Math.max(maxPerKey, running.get(key)!);
      maxOverall = Math.max(
        maxOverall,
        [...running.values()].reduce((a, b) => a + b, 0),
      );
      await tick();
      order.push(`${key}${n}`);
      running.set(key, running.get(key)! - 1);
      return n;
    };
    const results = await Promise.all([
      s.run('a', task('a', 1)),
      s.run('b', task('b', 1)),
      s.run('a', task('a', 2)),
      s.run('a', task('a', 3)),
    ]);
    expect(results).toEqual([1, 1, 2, 3]);
    expect(maxPerKey).toBe(1);
    expect(maxOverall).toBe(2);
    expect(order.filter((o) => o.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
  });

  it('keeps going after a failed task and passes its error to its caller only', async () => {
    const s = new KeyedSerializer();
    const failed = s.run('k', () => Promise.reject(new Error('boom')));
    const next = s.run('k', () => Promise.resolve('ok'));
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});

describe('ConflictError', () => {
  it('carries the public retryable code CONFLICT', () => {
    const err = new ConflictError('product 1');
    expect(err.extensions).toEqual({ code: 'CONFLICT', retryable: true });
    expect(err.message).toContain('try again');
    expect(isConflict(err)).toBe(true);
    expect(isConflict(new Error('x'))).toBe(false);
  });
});

describe('a ConflictError thrown by a resolver', () => {
  it('reaches the client as CONFLICT with its message, not as INTERNAL_SERVER_ERROR', () => {
    const logged: unknown[] = [];
    const located = locatedError(new ConflictError('cart 1'), undefined, ['addCartLines']);
    const formatted = maskErrors((err) => logged.push(err))(located.toJSON(), located);
    expect(formatted.extensions).toEqual({ code: 'CONFLICT', retryable: true });
    expect(formatted.message).toBe('cart 1 is being changed by too many requests at once; try again');
    expect(logged).toEqual([]);
  });
});
