import { forbidden, isService, mayUseOwned, unauthenticated, type Caller } from '@shop/kit';
import type { CartState } from './domain.js';

/**
 * Who may do what with carts (docs/design.md §7). Roles are checked in resolvers, before anything is
 * read; access to one cart is checked against its owner once it is loaded, and a cart the caller may
 * not see looks exactly like one that does not exist (null, or CART_NOT_FOUND).
 */

/** Guests, customers and admins use carts; partners and services never do through the public API. */
export function requireShopper(caller: Caller): void {
  if (caller.kind === 'guest' || caller.kind === 'user') return;
  throw forbidden('Carts are for shoppers');
}

/** `cart(id)` also serves the order service, which reads the cart it checks out. */
export function requireCartReader(caller: Caller): void {
  if (!isService(caller, 'order')) requireShopper(caller);
}

/** `myCart`, `claimCart`: the signed-in caller's subject; guests must sign in. */
export function requireCustomer(caller: Caller): string {
  if (caller.kind === 'user') return caller.sub;
  if (caller.kind === 'guest') throw unauthenticated('Sign in to use your cart');
  throw forbidden('Carts are for shoppers');
}

/** Guest carts: whoever holds the id. A customer's cart: that customer. Admins: any cart (kit's `mayUseOwned`). */
export const mayUse = (caller: Caller, cart: Pick<CartState, 'ownerId'>): boolean => mayUseOwned(caller, cart.ownerId);

export function mayRead(caller: Caller, cart: Pick<CartState, 'ownerId'>): boolean {
  return isService(caller, 'order') || mayUse(caller, cart);
}
