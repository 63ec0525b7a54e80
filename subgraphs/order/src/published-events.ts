import { createEvent, type AnyEvent } from '@shop/events';
import type { OrderState } from './domain.js';
import type { OrderDoc, TransitionDoc } from './model.js';

/**
 * The events the order service publishes (docs/design.md §5), each built from the record that makes the
 * change and stored with it (outbox, docs/design.md §6):
 * - `shop.order.placed.v1` from the order document written by checkout;
 * - `shop.order.paid.v1`, `.cancelled.v1`, `.shipped.v1`, `.delivered.v1` from the transition records.
 * `events.ts` publishes them (the relay) and wires what the service consumes.
 */

const SOURCE = 'order';
type TransitionBase = Omit<TransitionDoc, 'event' | 'publishedAt'>;
const opts = (correlationId: string, at: Date) => ({ source: SOURCE, correlationId, occurredAt: at });

/** The correlation id of the saga an order belongs to: its checkout request's. */
export const correlationOf = (order: OrderDoc): string => (order.event as AnyEvent | null)?.correlationId ?? order._id;

export function placedEvent(o: OrderDoc, correlationId: string) {
  return createEvent(
    'shop.order.placed.v1',
    {
      orderId: o._id,
      number: o.number,
      // The cart's own safety net: cart marks it CHECKED_OUT on this event if checkout's call never came.
      cartId: o.cartId,
      ...(o.customerId ? { customerId: o.customerId } : {}),
      email: o.email,
      ...(o.phone ? { phone: o.phone } : {}),
      lines: o.lines.map((l) => ({
        productId: l.productId,
        sku: l.sku,
        name: l.name,
        unitPrice: l.unitPrice,
        quantity: l.quantity,
        lineTotal: l.lineTotal,
      })),
      subtotal: o.subtotal,
      tax: o.tax,
      total: o.total,
      currency: o.currency,
    },
    opts(correlationId, o.createdAt),
  );
}

export function cancelledEvent(s: OrderState, t: TransitionBase, reason: string, correlationId: string) {
  return createEvent(
    'shop.order.cancelled.v1',
    {
      orderId: s.id,
      number: s.order.number,
      reason,
      wasPaid: t.from === 'PAID',
      lines: s.order.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
      email: s.order.email,
    },
    opts(correlationId, t.at),
  );
}

export function paidEvent(s: OrderState, t: TransitionBase, paymentId: string, correlationId: string) {
  return createEvent(
    'shop.order.paid.v1',
    { orderId: s.id, number: s.order.number, paymentId, total: s.order.total, currency: s.order.currency },
    opts(correlationId, t.at),
  );
}

export function shippedEvent(s: OrderState, t: TransitionBase, correlationId: string) {
  return createEvent(
    'shop.order.shipped.v1',
    {
      orderId: s.id,
      number: s.order.number,
      carrier: t.tracking!.carrier,
      trackingNumber: t.tracking!.trackingNumber,
      email: s.order.email,
      ...(s.order.phone ? { phone: s.order.phone } : {}),
    },
    opts(correlationId, t.at),
  );
}

export function deliveredEvent(s: OrderState, t: TransitionBase, correlationId: string) {
  return createEvent('shop.order.delivered.v1', { orderId: s.id, number: s.order.number }, opts(correlationId, t.at));
}
