import { userError, type UserError } from '@shop/kit';
import type { PaymentState } from './domain.js';

/** A payment mutation's payload (docs/design.md §4). */
export interface PaymentResult {
  payment: PaymentState | null;
  userErrors: UserError[];
}

/** A payload with no payment and one userError. */
export const fail = (code: string, message: string, field?: string[]): PaymentResult => ({
  payment: null,
  userErrors: [userError(code, message, field)],
});

/** Codes a failed payment reports as its userError; anything else reads as a decline. */
const FAILURE_CODES = new Set(['CARD_DECLINED', 'INSUFFICIENT_FUNDS', 'INVALID_PAYMENT_TOKEN', 'PROVIDER_UNAVAILABLE']);

/** The payload for a payment as it is: a failed one carries its reason as the userError. */
export function resultOf(state: PaymentState): PaymentResult {
  if (state.status !== 'FAILED') return { payment: state, userErrors: [] };
  const code = FAILURE_CODES.has(state.failureCode ?? '') ? state.failureCode! : 'CARD_DECLINED';
  return { payment: state, userErrors: [userError(code, state.failureMessage ?? 'The payment failed', ['input', 'paymentToken'])] };
}
