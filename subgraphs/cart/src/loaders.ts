import DataLoader from 'dataloader';
import { priceCart, type CartState, type PricedCart } from './domain.js';
import { lookupThrough, productLoader, type FetchSnapshots } from './services.js';
import type { CartStore } from './store.js';

/**
 * Per-request loaders: one query per batch, results in key order, null for misses. Products come
 * from the product service in one call per request; `priced` prices each cart state once.
 */
export function createLoaders(store: CartStore, fetchSnapshots: FetchSnapshots, requestId: string, taxRateBps: number) {
  const products = productLoader(fetchSnapshots, requestId);
  const lookup = lookupThrough(products);
  const pricing = new WeakMap<CartState, Promise<PricedCart>>();
  return {
    cart: new DataLoader<string, CartState | null>(async (ids) => {
      const states = await store.load(ids);
      return ids.map((id) => states.get(id) ?? null);
    }),
    products: lookup,
    priced(cart: CartState): Promise<PricedCart> {
      let priced = pricing.get(cart);
      if (!priced) {
        priced = lookup(cart.lines.map((l) => l.productId)).then((snapshots) => priceCart(cart.lines, snapshots, taxRateBps));
        pricing.set(cart, priced);
      }
      return priced;
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
