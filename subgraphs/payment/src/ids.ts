import { badInput } from '@shop/kit';

export { idempotencyKey, isUuid, uuid } from '@shop/kit';

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
