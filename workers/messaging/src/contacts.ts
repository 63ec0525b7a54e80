import { PermanentError } from '@shop/events';
import { serviceClient, type Signer } from '@shop/kit';

export interface OrderContact {
  number: string;
  email: string;
  phone: string | null;
}

/** Contact details of an order, for events that carry none (payment.*, invoice.rendered, order.delivered). */
export interface OrderDirectory {
  contact(orderId: string): Promise<OrderContact>;
}

const ORDER_CONTACT = `query MessagingOrderContact($id: ID!) { order(id: $id) { number email phone } }`;

/** Reads `order(id)` from the order subgraph signed as `service:messaging` (allowed by its access rules). */
export function orderDirectory(opts: { url: string; signer: Signer; timeoutMs: number }): OrderDirectory {
  const call = serviceClient({ target: 'order', url: opts.url, signer: opts.signer, timeoutMs: opts.timeoutMs });
  return {
    async contact(orderId) {
      const data = await call<{ order: OrderContact | null }>(ORDER_CONTACT, { id: orderId });
      // The events name orders their publishers read: one that does not exist will not appear by retrying.
      if (!data.order) throw new PermanentError(`order ${orderId} not found in the order service`);
      return data.order;
    },
  };
}
