import { createEvent } from '@shop/events';
import type { PaymentState } from './domain.js';
import type { RecordDoc } from './model.js';

/**
 * The events the payment service publishes (docs/design.md §5): `shop.payment.succeeded.v1`, `.failed.v1`,
 * `.refunded.v1`, each built from the appended record that makes the change and stored with it (outbox,
 * docs/design.md §6). `events.ts` publishes them (the relay) and wires what the service consumes.
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
