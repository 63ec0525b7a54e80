import { PermanentError } from '@shop/events';
import { serviceClient, type Signer } from '@shop/kit';
import { MessagingOrderContactDocument, type MessagingOrderContactQuery } from './__generated__/order-operations.js';

export type OrderContact = NonNullable<MessagingOrderContactQuery['order']>;

/** Contact details of an order, for events that carry none (payment.*, invoice.rendered, order.delivered). */
export interface OrderDirectory {
  contact(orderId: string): Promise<OrderContact>;
}

/**
 * Reads `order(id)` from the order subgraph signed as `service:messaging` (allowed by its access rules):
 * MessagingOrderContact in ./operations/order.graphql, typed against the order subgraph's SDL.
 */
export function orderDirectory(opts: { url: string; signer: Signer; timeoutMs: number }): OrderDirectory {
  const call = serviceClient({ target: 'order', url: opts.url, signer: opts.signer, timeoutMs: opts.timeoutMs });
  return {
    async contact(orderId) {
      const data = await call(MessagingOrderContactDocument, { id: orderId });
      // The events name orders their publishers read: one that does not exist will not appear by retrying.
      if (!data.order) throw new PermanentError(`order ${orderId} not found in the order service`);
      return data.order;
    },
  };
}
