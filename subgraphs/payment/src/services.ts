import { serviceClient, type Signer } from '@shop/kit';

/** What payment reads of an order (ARCHITECTURE §5), signed as `service:payment`. */
export interface OrderView {
  id: string;
  status: 'PENDING_PAYMENT' | 'PAID' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';
  total: { amount: number; currency: string };
  customerId: string | null;
}

export interface Services {
  order(orderId: string, requestId: string): Promise<OrderView | null>;
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

export function serviceClients(opts: { orderUrl: string; signer: Signer; timeoutMs: number }): Services {
  const order = serviceClient({ target: 'order', url: opts.orderUrl, signer: opts.signer, timeoutMs: opts.timeoutMs });
  return {
    async order(orderId, requestId) {
      return (await order<{ order: OrderView | null }>(ORDER, { id: orderId }, requestId)).order;
    },
  };
}
