import { jetstream } from '@nats-io/jetstream';
import {
  createEvent,
  mongoOutboxStore,
  startServiceConsumers,
  startOutboxRelay,
  serviceEvents,
  type ServiceEvents,
  type ServiceEventsOptions,
} from '@shop/events';
import type { PaymentState } from './domain.js';
import type { RecordDoc } from './model.js';
import type { Payments } from './payments.js';
import type { PaymentStore } from './store.js';

/**
 * What the payment service publishes and consumes (ARCHITECTURE §5), with the contracts of @shop/events.
 * Publishes `shop.payment.succeeded.v1`, `.failed.v1`, `.refunded.v1`, each from the appended record that
 * makes the change (outbox, ARCHITECTURE §6). Consumes `shop.order.cancelled.v1` (refund if paid).
 */

const SOURCE = 'payment';
type RecordBase = Omit<RecordDoc, 'event' | 'publishedAt'>;
const opts = (s: PaymentState, r: RecordBase) => ({ source: SOURCE, correlationId: s.doc.correlationId, occurredAt: r.at });

export const succeededEvent = (s: PaymentState, r: RecordBase) =>
  createEvent(
    'shop.payment.succeeded.v1',
    {
      paymentId: s.id,
      orderId: s.doc.orderId,
      amount: s.doc.amount,
      currency: s.doc.currency,
      providerReference: r.providerReference ?? s.id,
    },
    opts(s, r),
  );

export const failedEvent = (s: PaymentState, r: RecordBase) =>
  createEvent(
    'shop.payment.failed.v1',
    {
      paymentId: s.id,
      orderId: s.doc.orderId,
      amount: s.doc.amount,
      currency: s.doc.currency,
      failureCode: r.failureCode ?? 'FAILED',
      failureMessage: r.failureMessage || 'The payment failed',
    },
    opts(s, r),
  );

export const refundedEvent = (s: PaymentState, r: RecordBase, amount: number) =>
  createEvent(
    'shop.payment.refunded.v1',
    { paymentId: s.id, orderId: s.doc.orderId, amount, refundedTotal: r.refundedAmount, currency: s.doc.currency },
    opts(s, r),
  );

export type PaymentEvents = ServiceEvents;

export type PaymentEventsOptions = ServiceEventsOptions;

/** The NATS half of the payment service: streams, the outbox relay over the records, the order.cancelled consumer. */
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
