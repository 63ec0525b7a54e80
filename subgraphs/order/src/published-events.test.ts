import { describe, expect, it } from 'vitest';
import { parseEvent } from '@shop/events';
import { placedEvent } from './published-events.js';
import type { OrderDoc } from './model.js';

const order: OrderDoc = {
  _id: '3f0c8d52-8a7e-4c6b-9d2e-1a2b3c4d5e6f',
  number: 'SO-2026-000123',
  year: 2026,
  seq: 123,
  cartId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  idempotencyKey: 'key-1',
  customerId: null,
  email: 'ada@example.com',
  phone: null,
  shippingAddress: { name: 'Ada', line1: '1 Main St', line2: null, city: 'London', region: null, postalCode: 'N1', country: 'GB' },
  lines: [{ productId: '65a1b2c3d4e5f6a7b8c9d0e1', sku: 'SKU-1', name: 'Mug', unitPrice: 1250, quantity: 2, lineTotal: 2500 }],
  subtotal: 2500,
  tax: 500,
  total: 3000,
  currency: 'USD',
  taxRateBps: 2000,
  createdAt: new Date('2026-03-01T10:00:00Z'),
  event: null,
  publishedAt: null,
};

describe('placedEvent', () => {
  it('names the cart the order was placed from, so the cart service can mark it CHECKED_OUT', () => {
    const event = placedEvent(order, 'req-1');
    expect(event.data.cartId).toBe(order.cartId);
    expect(event.data.orderId).toBe(order._id);
    // what consumers receive parses against the contract with the cart id intact
    expect(parseEvent('shop.order.placed.v1', JSON.parse(JSON.stringify(event))).data.cartId).toBe(order.cartId);
  });

  it('leaves out the customer and phone of a guest order without a phone', () => {
    const { data } = placedEvent(order, 'req-1');
    expect(data).not.toHaveProperty('customerId');
    expect(data).not.toHaveProperty('phone');
  });
});
