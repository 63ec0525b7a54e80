import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeCursor, encodeCursor, pageSize } from './cursor.js';

const schema = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) });

describe('cursors', () => {
  it('round-trips a value', () => {
    const c = encodeCursor({ id: '0123456789abcdef01234567' });
    expect(decodeCursor(c, schema)).toEqual({ id: '0123456789abcdef01234567' });
  });

  it.each([['not base64!'], [encodeCursor({ id: { $gt: '' } })], [Buffer.from('{').toString('base64url')], ['a'.repeat(2000)]])(
    'turns %s into BAD_USER_INPUT',
    (cursor) => {
      expect(() => decodeCursor(cursor, schema)).toThrow(
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
      );
    },
  );
});

describe('pageSize', () => {
  it('accepts 1..100 and defaults to 20', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(1)).toBe(1);
    expect(pageSize(100)).toBe(100);
  });
  it.each([0, -1, 101, 1e9, 2.5])('refuses %s', (n) => {
    expect(() => pageSize(n)).toThrow(/first must be between 1 and 100/);
  });
});
