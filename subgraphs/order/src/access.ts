import { forbidden, isService, mayUseOwned, unauthenticated, type Caller } from '@shop/kit';

/**
 * Who may do what with orders (docs/design.md §7). Roles are checked in resolvers, before anything is
 * read; access to one order is checked once it is loaded, and an order the caller may not see looks
 * exactly like one that does not exist (null, or ORDER_NOT_FOUND).
 */

/** Services that read orders: payment (amount, status, owner), messaging (contact details), invoice. */
const READERS = ['payment', 'messaging', 'invoice'];

/** Guests, customers and admins place and cancel orders; partners and services never do. */
export function requireShopper(caller: Caller): void {
  if (caller.kind === 'guest' || caller.kind === 'user') return;
  throw forbidden('Orders are for shoppers');
}

/** `order(id)` and `_entities` also serve the services that read orders. */
export function requireOrderReader(caller: Caller): void {
  if (!READERS.some((s) => isService(caller, s))) requireShopper(caller);
}

/** `myOrders`: the signed-in caller's subject; guests must sign in. */
export function requireCustomer(caller: Caller): string {
  if (caller.kind === 'user') return caller.sub;
  if (caller.kind === 'guest') throw unauthenticated('Sign in to see your orders');
  throw forbidden('Orders are for shoppers');
}

/** Guest orders (and carts): whoever holds the id. A customer's: that customer. Admins: all (kit's `mayUseOwned`). */
export const mayUse = (caller: Caller, owner: { customerId: string | null }): boolean => mayUseOwned(caller, owner.customerId);

export function mayRead(caller: Caller, owner: { customerId: string | null }): boolean {
  return READERS.some((s) => isService(caller, s)) || mayUse(caller, owner);
}

/**
 * Whom a new order belongs to: the cart's owner; for a guest cart, whoever is signed in (their order
 * then shows in `myOrders`); else nobody (a guest order, reached by its id).
 */
export function ownerOfOrder(caller: Caller, cartOwner: string | null): string | null {
  return cartOwner ?? (caller.kind === 'user' ? caller.sub : null);
}
