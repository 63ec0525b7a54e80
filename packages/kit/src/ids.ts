import { badInput } from './errors.js';

/** Any RFC 4122 UUID (versions 1–8): order, payment and invoice ids; carts use v4 (docs/design.md §3). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value.toLowerCase());

/** A UUID id from input, lower-cased; anything else is BAD_USER_INPUT, never a query. */
export function uuid(value: string, field: string): string {
  if (!isUuid(value)) throw badInput(`${field} is not a valid id`, field);
  return value.toLowerCase();
}

/** A client-chosen idempotency key: 1..200 printable characters. */
export function idempotencyKey(value: string): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 200 || /\p{Cc}/u.test(value) || value.trim() === '')
    throw badInput('idempotencyKey must be 1–200 printable characters', 'input.idempotencyKey');
  return value;
}
