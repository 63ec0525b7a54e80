import { badInput } from '@shop/kit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value.toLowerCase());

/** Order and payment ids are UUIDs (ARCHITECTURE §3); anything else is BAD_USER_INPUT, never a query. */
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

/** A provider token: 1..100 printable ASCII characters (the provider decides whether it is valid). */
export function paymentToken(value: string): string {
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,100}$/.test(value))
    throw badInput('paymentToken must be 1–100 printable characters', 'input.paymentToken');
  return value;
}

/** A refund amount in minor units: a positive integer. */
export function refundAmount(value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value <= 0) throw badInput('amount must be a positive number of minor units', 'amount');
  return value;
}
