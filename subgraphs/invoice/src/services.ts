import { serviceClient, type Signer } from '@shop/kit';

/** The invoice service's synchronous call (ARCHITECTURE §5), signed as `service:invoice`: the order to invoice. */

export interface OrderForInvoice {
  id: string;
  number: string;
  status: string;
  customerId: string | null;
  email: string;
  shippingAddress: {
    name: string;
    line1: string;
    line2: string | null;
    city: string;
    region: string | null;
    postalCode: string;
    country: string;
  };
  lines: { sku: string; name: string; unitPrice: { amount: number; currency: string }; quantity: number; lineTotal: { amount: number } }[];
  subtotal: { amount: number; currency: string };
  tax: { amount: number };
  total: { amount: number; currency: string };
}

export interface Services {
  /** Null when the order service does not know the order. */
  order(orderId: string, requestId: string): Promise<OrderForInvoice | null>;
}

const ORDER = /* GraphQL */ `
  query InvoiceReadsOrder($id: ID!) {
    order(id: $id) {
      id
      number
      status
      customerId
      email
      shippingAddress {
        name
        line1
        line2
        city
        region
        postalCode
        country
      }
      lines {
        sku
        name
        unitPrice {
          amount
          currency
        }
        quantity
        lineTotal {
          amount
        }
      }
      subtotal {
        amount
        currency
      }
      tax {
        amount
      }
      total {
        amount
        currency
      }
    }
  }
`;

export function serviceClients(opts: { orderUrl: string; signer: Signer; timeoutMs: number }): Services {
  const order = serviceClient({ target: 'order', url: opts.orderUrl, signer: opts.signer, timeoutMs: opts.timeoutMs });
  return {
    async order(orderId, requestId) {
      return (await order<{ order: OrderForInvoice | null }>(ORDER, { id: orderId }, requestId)).order;
    },
  };
}
