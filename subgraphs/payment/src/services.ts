import { serviceClient, type Signer } from '@shop/kit';
import { PaymentReadsOrderDocument, type PaymentReadsOrderQuery } from './__generated__/order-operations.js';
import { PaymentHoldsStockDocument, type PaymentHoldsStockMutation } from './__generated__/product-operations.js';

/**
 * What payment reads of an order and asks of product (docs/design.md §5), signed as `service:payment`. The
 * operations are in ./operations/<target>.graphql, typed against the target subgraph's SDL.
 */
export type OrderView = NonNullable<PaymentReadsOrderQuery['order']>;

/** Product's answer to "keep this order's reservation": `ok` while (and from now on) its stock is held. */
export type StockHold = PaymentHoldsStockMutation['confirmReservation'];

export interface Services {
  order(orderId: string, requestId: string): Promise<OrderView | null>;
  /**
   * Confirms the order's stock reservation at product: from then on only a release (a cancellation)
   * gives the stock back. Not ok when the reservation expired unconfirmed (the stock may be sold again).
   */
  holdStock(orderId: string, requestId: string): Promise<StockHold>;
}

export function serviceClients(opts: { orderUrl: string; productUrl: string; signer: Signer; timeoutMs: number }): Services {
  const order = serviceClient({ target: 'order', url: opts.orderUrl, signer: opts.signer, timeoutMs: opts.timeoutMs });
  const product = serviceClient({ target: 'product', url: opts.productUrl, signer: opts.signer, timeoutMs: opts.timeoutMs });
  return {
    async order(orderId, requestId) {
      return (await order(PaymentReadsOrderDocument, { id: orderId }, requestId)).order;
    },
    async holdStock(orderId, requestId) {
      return (await product(PaymentHoldsStockDocument, { orderId }, requestId)).confirmReservation;
    },
  };
}
