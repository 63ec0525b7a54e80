import { serviceClient, withRetryableErrors, type Signer, type UserError } from '@shop/kit';
import { OrderMarksCartDocument, OrderReadsCartDocument, type OrderReadsCartQuery } from './__generated__/cart-operations.js';
import {
  OrderProductSnapshotsDocument,
  OrderReleasesDocument,
  OrderReservesDocument,
  type OrderReservationResultFragment,
} from './__generated__/product-operations.js';
import type { CartLine, ProductSnapshot } from './domain.js';

/**
 * The order service's synchronous calls (docs/design.md §5), signed as `service:order`: the cart service
 * (read the cart, mark it CHECKED_OUT) and the product service (products and prices, reservations). The
 * operations are in ./operations/<target>.graphql, typed against the target subgraph's SDL.
 */

/** The cart as the cart service reports it (an ACTIVE cart past its expiry already reads EXPIRED), lines by product id. */
export type CartView = Omit<NonNullable<OrderReadsCartQuery['cart']>, 'lines'> & { lines: CartLine[] };

export type ReservationResult = OrderReservationResultFragment;

export interface Services {
  cart(cartId: string, requestId: string): Promise<CartView | null>;
  /** The cart became this order: idempotent per order; CART_NOT_ACTIVE once it is anything else. */
  markCartCheckedOut(cartId: string, orderId: string, requestId: string): Promise<{ status: string | null; userErrors: UserError[] }>;
  /** Snapshots in the order asked, null for unknown products: one call. */
  products(ids: readonly string[], requestId: string): Promise<(ProductSnapshot | null)[]>;
  reserve(orderId: string, lines: readonly CartLine[], requestId: string): Promise<ReservationResult>;
  release(orderId: string, reason: string, requestId: string): Promise<ReservationResult>;
}

export function serviceClients(opts: { cartUrl: string; productUrl: string; signer: Signer; timeoutMs: number }): Services {
  // A callee that is contended or does not answer in time gives the client a retryable error (CONFLICT,
  // SERVICE_UNAVAILABLE), never INTERNAL_SERVER_ERROR: checkout with the same key may be sent again.
  const cart = withRetryableErrors(serviceClient({ target: 'cart', url: opts.cartUrl, signer: opts.signer, timeoutMs: opts.timeoutMs }));
  const product = withRetryableErrors(
    serviceClient({ target: 'product', url: opts.productUrl, signer: opts.signer, timeoutMs: opts.timeoutMs }),
  );
  return {
    async cart(cartId, requestId) {
      const { cart: c } = await cart(OrderReadsCartDocument, { id: cartId }, requestId);
      return c && { ...c, lines: c.lines.map((l) => ({ productId: l.product.id, quantity: l.quantity })) };
    },
    async markCartCheckedOut(cartId, orderId, requestId) {
      const res = await cart(OrderMarksCartDocument, { cartId, orderId }, requestId);
      return { status: res.markCartCheckedOut.cart?.status ?? null, userErrors: res.markCartCheckedOut.userErrors };
    },
    async products(ids, requestId) {
      return (await product(OrderProductSnapshotsDocument, { ids: [...ids] }, requestId)).productSnapshots;
    },
    async reserve(orderId, lines, requestId) {
      return (await product(OrderReservesDocument, { orderId, lines: [...lines] }, requestId)).reserveStock;
    },
    async release(orderId, reason, requestId) {
      return (await product(OrderReleasesDocument, { orderId, reason }, requestId)).releaseReservation;
    },
  };
}
