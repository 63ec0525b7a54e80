import { type z } from 'zod';
import { badInput } from './errors.js';

/**
 * Opaque cursors: base64url JSON, validated against a schema on the way in. A cursor that does not
 * decode, or belongs to another sort or listing, is a BAD_USER_INPUT, never a 500.
 */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>, field = 'after'): T {
  if (cursor.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw badInput('Invalid cursor', field);
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInput('Invalid cursor', field);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badInput('Invalid cursor', field);
  return parsed.data;
}

/** `first` must be 1..100 (contract); outside that is malformed input. */
export function pageSize(first: number | null | undefined, fallback = 20, max = 100): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) throw badInput(`first must be between 1 and ${max}`, 'first');
  return n;
}
