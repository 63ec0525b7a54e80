import type { TraceCarrier } from '@shop/kit';
import { jetstream } from '@nats-io/jetstream';
import {
  adoptUnflagged,
  markRecordPublished,
  pendingFilter,
  quarantineRecord,
  startServiceConsumers,
  startOutboxRelay,
  type OutboxEntry,
  type OutboxStore,
  serviceEvents,
  type ServiceEvents,
  type ServiceEventsOptions,
} from '@shop/events';
import type { OrderModels } from './model.js';
import type { Orders } from './orders.js';
import type { OrderStore } from './store.js';

/**
 * What the order service publishes and consumes (docs/design.md §5), with the contracts of @shop/events.
 *
 * Publishes what `published-events.ts` builds, through the outbox relay over the order documents and
 * the transition records (docs/design.md §6).
 * Consumes `shop.payment.succeeded.v1` (→ PAID) and `shop.payment.refunded.v1` (→ a timeline note).
 */

/**
 * The outbox over both kinds of record: the order documents (`order.placed`) and the transitions
 * (everything after). Read together, oldest first, so an order's events are published in the order
 * they happened (`placed` before `cancelled`). Entry ids are prefixed with the collection. Each read
 * is the `{ unpublished: true }` equality, so it costs the pending records, not every order ever placed.
 */
export function orderOutbox(m: OrderModels): OutboxStore {
  return {
    async pending(limit) {
      const [orders, transitions] = await Promise.all([
        m.Order.collection
          .find(pendingFilter(), { projection: { _id: 1, event: 1, createdAt: 1, trace: 1 } })
          .sort({ createdAt: 1, _id: 1 })
          .limit(limit)
          .toArray(),
        m.Transition.collection
          .find(pendingFilter(), { projection: { _id: 1, event: 1, at: 1, trace: 1 } })
          .sort({ at: 1, _id: 1 })
          .limit(limit)
          .toArray(),
      ]);
      const entries: (OutboxEntry & { time: number })[] = [
        ...orders.map((d) => ({
          id: `o:${String(d._id)}`,
          event: d.event as unknown,
          trace: d.trace as TraceCarrier,
          time: (d.createdAt as Date).getTime(),
        })),
        ...transitions.map((d) => ({
          id: `t:${String(d._id)}`,
          event: d.event as unknown,
          trace: d.trace as TraceCarrier,
          time: (d.at as Date).getTime(),
        })),
      ];
      return entries
        .sort((a, b) => a.time - b.time || a.id.localeCompare(b.id))
        .slice(0, limit)
        .map(({ id, event, trace }) => ({ id, event, trace }));
    },
    async markPublished(id) {
      // The relay is the only writer of publishedAt (docs/design.md §6), so a plain update is safe.
      await markRecordPublished(id.startsWith('o:') ? m.Order.collection : m.Transition.collection, id.slice(2));
    },
    async quarantine(id, reason) {
      await quarantineRecord(id.startsWith('o:') ? m.Order.collection : m.Transition.collection, id.slice(2), reason);
    },
    async adopt() {
      return (await adoptUnflagged(m.Order.collection)) + (await adoptUnflagged(m.Transition.collection));
    },
  };
}

export type OrderEvents = ServiceEvents;

export type OrderEventsOptions = ServiceEventsOptions;

/** The NATS half of the order service: the outbox relay and the two consumers. */
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
