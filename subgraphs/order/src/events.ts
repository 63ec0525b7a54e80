import { jetstream } from '@nats-io/jetstream';
import {
  createEvent,
  pendingFilter,
  quarantineRecord,
  startServiceConsumers,
  startOutboxRelay,
  type AnyEvent,
  type OutboxEntry,
  type OutboxStore,
  serviceEvents,
  type ServiceEvents,
  type ServiceEventsOptions,
} from '@shop/events';
import type { OrderState } from './domain.js';
import type { OrderDoc, OrderModels, TransitionDoc } from './model.js';
import type { Orders } from './orders.js';
import type { OrderStore } from './store.js';

/**
 * What the order service publishes and consumes (ARCHITECTURE §5), with the contracts of @shop/events.
 *
 * Publishes, each from the record that makes the change (outbox, ARCHITECTURE §6):
 * - `shop.order.placed.v1` from the order document written by checkout;
 * - `shop.order.paid.v1`, `.cancelled.v1`, `.shipped.v1`, `.delivered.v1` from the transition records.
 * Consumes `shop.payment.succeeded.v1` (→ PAID) and `shop.payment.refunded.v1` (→ a timeline note).
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

/**
 * The outbox over both kinds of record: the order documents (`order.placed`) and the transitions
 * (everything after). Read together, oldest first, so an order's events are published in the order
 * they happened (`placed` before `cancelled`). Entry ids are prefixed with the collection.
 */
export function orderOutbox(m: OrderModels): OutboxStore {
  return {
    async pending(limit) {
      const [orders, transitions] = await Promise.all([
        m.Order.collection
          .find(pendingFilter(), { projection: { _id: 1, event: 1, createdAt: 1 } })
          .sort({ createdAt: 1, _id: 1 })
          .limit(limit)
          .toArray(),
        m.Transition.collection
          .find(pendingFilter(), { projection: { _id: 1, event: 1, at: 1 } })
          .sort({ at: 1, _id: 1 })
          .limit(limit)
          .toArray(),
      ]);
      const entries: (OutboxEntry & { time: number })[] = [
        ...orders.map((d) => ({ id: `o:${String(d._id)}`, event: d.event as unknown, time: (d.createdAt as Date).getTime() })),
        ...transitions.map((d) => ({ id: `t:${String(d._id)}`, event: d.event as unknown, time: (d.at as Date).getTime() })),
      ];
      return entries
        .sort((a, b) => a.time - b.time || a.id.localeCompare(b.id))
        .slice(0, limit)
        .map(({ id, event }) => ({ id, event }));
    },
    async markPublished(id) {
      // The relay is the only writer of publishedAt (ARCHITECTURE §6), so a plain update is safe.
      const collection = id.startsWith('o:') ? m.Order.collection : m.Transition.collection;
      await collection.updateOne({ _id: id.slice(2) as never }, { $set: { publishedAt: new Date() } });
    },
    async quarantine(id, reason) {
      await quarantineRecord(id.startsWith('o:') ? m.Order.collection : m.Transition.collection, id.slice(2), reason);
    },
  };
}

export type OrderEvents = ServiceEvents;

export type OrderEventsOptions = ServiceEventsOptions;

/** The NATS half of the order service: streams, the outbox relay and the two consumers. */
export async function startOrderEvents(service: { store: OrderStore; orders: Orders }, o: OrderEventsOptions): Promise<OrderEvents> {
  const relay = startOutboxRelay({
    store: orderOutbox(service.store.m),
    js: jetstream(o.nc),
    log: o.log,
    intervalMs: o.config.OUTBOX_INTERVAL,
  });
  service.store.onRecorded = () => relay.kick();
  const consumers = await startServiceConsumers('order', o, {
    'shop.payment.succeeded.v1': (event, meta) => service.orders.paymentSucceeded(event, meta.correlationId),
    'shop.payment.refunded.v1': (event) => service.orders.paymentRefunded(event),
  });
  return serviceEvents(relay, consumers, () => {
    service.store.onRecorded = () => {};
  });
}
