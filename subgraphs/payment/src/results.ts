import { userError, type UserError } from '@shop/kit';
import type { PaymentState } from './domain.js';

/** A payment mutation's payload (ARCHITECTURE §4). */
export interface PaymentResult {
  payment: PaymentState | null;
  userErrors: UserError[];
}

/** A payload with no payment and one userError. */
export const fail = (code: string, message: string, field?: string[]): PaymentResult => ({
  payment: null,
  userErrors: [userError(code, message, field)],
});
