import { serviceClient, type Signer } from '@shop/kit';
import { InvoiceReadsOrderDocument, type InvoiceReadsOrderQuery } from './__generated__/order-operations.js';

/**
 * The invoice service's synchronous call (docs/design.md §5), signed as `service:invoice`: the order to
 * invoice. InvoiceReadsOrder is in ./operations/order.graphql, typed against the order subgraph's SDL.
 */
export type OrderForInvoice = NonNullable<InvoiceReadsOrderQuery['order']>;

export interface Services {
  /** Null when the order service does not know the order. */
  order(orderId: string, requestId: string): Promise<OrderForInvoice | null>;
}

export function serviceClients(opts: { orderUrl: string; signer: Signer; timeoutMs: number }): Services {
  const order = serviceClient({ target: 'order', url: opts.orderUrl, signer: opts.signer, timeoutMs: opts.timeoutMs });
  return {
    async order(orderId, requestId) {
      return (await order(InvoiceReadsOrderDocument, { id: orderId }, requestId)).order;
    },
  };
}
