import type { BaseContext } from '@shop/kit';
import type { Checkout } from './checkout.js';
import type { Listing } from './listing.js';
import type { Loaders } from './loaders.js';
import type { Orders } from './orders.js';

/** What every order resolver gets: the verified caller, per-request loaders and the order operations. */
export interface OrderContext extends BaseContext {
  loaders: Loaders;
  checkout: Checkout;
  orders: Orders;
  listing: Listing;
}
