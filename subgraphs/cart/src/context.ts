import type { BaseContext } from '@shop/kit';
import type { Carts } from './carts.js';
import type { CartConfig } from './config.js';
import type { Loaders } from './loaders.js';

/** What every cart resolver gets: the verified caller, per-request loaders and the cart operations. */
export interface CartContext extends BaseContext {
  config: Pick<CartConfig, 'STORE_CURRENCY' | 'MAX_CART_LINES'>;
  loaders: Loaders;
  carts: Carts;
}
