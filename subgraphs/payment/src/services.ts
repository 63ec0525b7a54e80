import { serviceClient, type Signer } from '@shop/kit';

/** What payment reads of an order and asks of product (ARCHITECTURE §5), signed as `service:payment`. */
export interface OrderView {
  id: string;
  status: 'PENDING_PAYMENT' | 'PAID' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';
  total: { amount: number; currency: string };
  customerId: string | null;
}

/** Product's answer to "keep this order's reservation": `ok` while (and from now on) its stock is held. */
export interface StockHold {
  ok: boolean;
  state: string;
  code: string | null;
  message: string | null;
}

export interface Services {
  order(orderId: string, requestId: string): Promise<OrderView | null>;
  /**
   * Confirms the order's stock reservation at product: from then on only a release (a cancellation)
   * gives the stock back. Not ok when the reservation expired unconfirmed (the stock may be sold again).
   */
  holdStock(orderId: string, requestId: string): Promise<StockHold>;
}

const ORDER = /* GraphQL */ `
  query PaymentReadsOrder($id: ID!) {
    order(id: $id) {
      id
      status
      total {
        amount
        currency
      }
      customerId
    }
  }
`;

const HOLD_STOCK = /* GraphQL */ `
  mutation PaymentHoldsStock($orderId: ID!) {
    confirmReservation(orderId: $orderId) {
      ok
      state
      code
      message
    }
  }
`;

export function serviceClients(opts: { orderUrl: string; productUrl: string; signer: Signer; timeoutMs: number }): Services {
  const order = serviceClient({ target: 'order', url: opts.orderUrl, signer: opts.signer, timeoutMs: opts.timeoutMs });
  const product = serviceClient({ target: 'product', url: opts.productUrl, signer: opts.signer, timeoutMs: opts.timeoutMs });
  return {
    async order(orderId, requestId) {
      return (await order<{ order: OrderView | null }>(ORDER, { id: orderId }, requestId)).order;
    },
    async holdStock(orderId, requestId) {
      return (await product<{ confirmReservation: StockHold }>(HOLD_STOCK, { orderId }, requestId)).confirmReservation;
    },
  };
}
