import type { BaseContext } from '@shop/kit';
import type { Loaders } from './loaders.js';
import type { Payments } from './payments.js';

/** What every payment resolver gets: the verified caller, per-request loaders and the payment operations. */
export interface PaymentContext extends BaseContext {
  loaders: Loaders;
  payments: Payments;
}
