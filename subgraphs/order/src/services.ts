import { serviceClient, withRetryableErrors, type Signer, type UserError } from '@shop/kit';
import type { CartLine, ProductSnapshot } from './domain.js';

/**
 * The order service's synchronous calls (ARCHITECTURE §5), signed as `service:order`: the cart service
 * (read the cart, mark it CHECKED_OUT) and the product service (products and prices, reservations).
 */

export interface CartView {
  id: string;
  /** As the cart service reports it: an ACTIVE cart past its expiry already reads EXPIRED. */
  status: 'ACTIVE' | 'CHECKED_OUT' | 'MERGED' | 'EXPIRED';
  customerId: string | null;
  lines: CartLine[];
}

export interface ReservationResult {
  ok: boolean;
  state: string;
  code: string | null;
  message: string | null;
  productId: string | null;
  available: number | null;
}

export interface Services {
  cart(cartId: string, requestId: string): Promise<CartView | null>;
  /** The cart became this order: idempotent per order; CART_NOT_ACTIVE once it is anything else. */
  markCartCheckedOut(cartId: string, orderId: string, requestId: string): Promise<{ status: string | null; userErrors: UserError[] }>;
  /** Snapshots in the order asked, null for unknown products: one call. */
  products(ids: readonly string[], requestId: string): Promise<(ProductSnapshot | null)[]>;
  reserve(orderId: string, lines: readonly CartLine[], requestId: string): Promise<ReservationResult>;
  release(orderId: string, reason: string, requestId: string): Promise<ReservationResult>;
}

const CART = /* GraphQL */ `
  query OrderReadsCart($id: ID!) {
    cart(id: $id) {
      id
      status
      customerId
      lines {
        product {
          id
        }
        quantity
      }
    }
  }
`;
const MARK = /* GraphQL */ `
  mutation OrderMarksCart($cartId: ID!, $orderId: ID!) {
    markCartCheckedOut(cartId: $cartId, orderId: $orderId) {
      cart {
        status
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`;
const SNAPSHOTS = /* GraphQL */ `
  query OrderProductSnapshots($ids: [ID!]!) {
    productSnapshots(ids: $ids) {
      id
      sku
      name
      price
      status
      available
    }
  }
`;
const RESULT = 'ok state code message productId available';
const RESERVE = `mutation OrderReserves($orderId: ID!, $lines: [ReservationLineInput!]!) { reserveStock(orderId: $orderId, lines: $lines) { ${RESULT} } }`;
const RELEASE = `mutation OrderReleases($orderId: ID!, $reason: String!) { releaseReservation(orderId: $orderId, reason: $reason) { ${RESULT} } }`;

interface RawCart {
  id: string;
  status: CartView['status'];
  customerId: string | null;
  lines: { product: { id: string }; quantity: number }[];
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
      const { cart: c } = await cart<{ cart: RawCart | null }>(CART, { id: cartId }, requestId);
      return c && { ...c, lines: c.lines.map((l) => ({ productId: l.product.id, quantity: l.quantity })) };
    },
    async markCartCheckedOut(cartId, orderId, requestId) {
      const res = await cart<{ markCartCheckedOut: { cart: { status: string } | null; userErrors: UserError[] } }>(
        MARK,
        { cartId, orderId },
        requestId,
      );
      return { status: res.markCartCheckedOut.cart?.status ?? null, userErrors: res.markCartCheckedOut.userErrors };
    },
    async products(ids, requestId) {
      return (await product<{ productSnapshots: (ProductSnapshot | null)[] }>(SNAPSHOTS, { ids }, requestId)).productSnapshots;
    },
    async reserve(orderId, lines, requestId) {
      return (await product<{ reserveStock: ReservationResult }>(RESERVE, { orderId, lines }, requestId)).reserveStock;
    },
    async release(orderId, reason, requestId) {
      return (await product<{ releaseReservation: ReservationResult }>(RELEASE, { orderId, reason }, requestId)).releaseReservation;
    },
  };
}
