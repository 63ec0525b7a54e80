import { jetstream } from '@nats-io/jetstream';
import {
  mongoOutboxStore,
  startServiceConsumers,
  startOutboxRelay,
  serviceEvents,
  type ServiceEvents,
  type ServiceEventsOptions,
} from '@shop/events';
import type { Payments } from './payments.js';
import type { PaymentStore } from './store.js';

/**
 * What the payment service publishes and consumes (docs/design.md §5), with the contracts of @shop/events.
 * Publishes what `published-events.ts` builds, through the outbox relay over the appended records
 * (docs/design.md §6). Consumes `shop.order.cancelled.v1` (refund if paid).
 */

export type PaymentEvents = ServiceEvents;

export type PaymentEventsOptions = ServiceEventsOptions;

/** The NATS half of the payment service: the outbox relay over the records, the order.cancelled consumer. */
export async function startPaymentEvents(
  service: { store: PaymentStore; payments: Payments },
  o: PaymentEventsOptions,
): Promise<PaymentEvents> {
  const relay = startOutboxRelay({
    store: mongoOutboxStore(service.store.m.Record, { orderField: 'at' }),
    js: jetstream(o.nc),
    log: o.log,
    intervalMs: o.config.OUTBOX_INTERVAL,
  });
  service.store.onRecorded = () => relay.kick();
  relay.kick();
  const consumers = await startServiceConsumers('payment', o, {
    'shop.order.cancelled.v1': (event) => service.payments.orderCancelled(event.data.orderId, event.id),
  });
  return serviceEvents(relay, consumers, () => {
    service.store.onRecorded = () => {};
  });
}
