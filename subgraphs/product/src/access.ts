import { isAdmin, requireAdmin, requireService, type Caller } from '@shop/kit';

/**
 * Who may do what with the catalog and its stock (docs/design.md §7). Everyone reads the catalog; an
 * archived product is seen by admins only and looks like one that does not exist to anyone else.
 * Admins edit the catalog and read stock movements. Stock is held for orders by services only.
 */

/** Creating, editing and archiving products and categories, adjusting stock, reading stock movements. */
export const requireCatalogAdmin = (caller: Caller): void => requireAdmin(caller);

/** Listings include archived products for admins only. */
export const mayReadArchived = (caller: Caller): boolean => isAdmin(caller);

/** One product: an archived one only for admins. */
export const mayRead = (caller: Caller, product: { status: string }): boolean => product.status !== 'ARCHIVED' || mayReadArchived(caller);

/** `reserveStock` and `releaseReservation`: the order service, which holds stock for its orders. */
export const requireStockHolder = (caller: Caller): void => requireService(caller, 'order');

/** `confirmReservation`: also payment, which confirms before it charges (the stock of an order being paid must stay held). */
export const requireStockConfirmer = (caller: Caller): void => requireService(caller, 'order', 'payment');

/** `productSnapshots`: the cart (one call per request) and checkout. */
export const requireSnapshotReader = (caller: Caller): void => requireService(caller, 'cart', 'order');
