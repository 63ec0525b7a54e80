import { randomUUID } from 'node:crypto';
import type { OrderDoc } from '../src/model.js';

/** What `OrderStore.place` takes: a one-line guest order created at `createdAt` (its year numbers it). */
export function sampleOrder(createdAt: Date): Omit<OrderDoc, 'number' | 'year' | 'seq' | 'event' | 'publishedAt'> {
  const id = randomUUID();
  return {
    _id: `ord_${id}`,
    cartId: `cart_${id}`,
    idempotencyKey: id,
    customerId: null,
    email: 'guest@example.test',
    phone: null,
    shippingAddress: {
      name: 'Guest',
      line1: '1 Test Street',
      line2: null,
      city: 'Berlin',
      region: null,
      postalCode: '10115',
      country: 'DE',
    },
    lines: [{ productId: 'prod_1', sku: 'SKU-1', name: 'Thing', unitPrice: 1000, quantity: 1, lineTotal: 1000 }],
    subtotal: 1000,
    tax: 190,
    total: 1190,
    currency: 'EUR',
    taxRateBps: 1900,
    createdAt,
  };
}
