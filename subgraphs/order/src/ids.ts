import { badInput } from '@shop/kit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value.toLowerCase());

/** Order and cart ids are UUIDs (ARCHITECTURE §3); anything else is BAD_USER_INPUT, never a query. */
export function uuid(value: string, field: string): string {
  if (!isUuid(value)) throw badInput(`${field} is not a valid id`, field);
  return value.toLowerCase();
}

/** 1..200 printable characters, chosen by the client. */
export function idempotencyKey(value: string): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 200 || /\p{Cc}/u.test(value) || value.trim() === '')
    throw badInput('idempotencyKey must be 1–200 printable characters', 'input.idempotencyKey');
  return value;
}

/** Free text such as a cancellation reason or a carrier: trimmed, printable, at most `max` characters. */
export function text(value: string | null | undefined, field: string, max: number, required: boolean): string | null {
  const v = (value ?? '').trim();
  if (v === '') {
    if (required) throw badInput(`${field} is required`, field);
    return null;
  }
  if (v.length > max || /\p{Cc}/u.test(v)) throw badInput(`${field} must be at most ${max} printable characters`, field);
  return v;
}
