import { Schema, type Connection, type Model } from 'mongoose';
import { outboxFields } from '@shop/events';

/**
 * Payment service collections (docs/design.md §6). Indexes are declared here and created by
 * `ensureIndexes` at start-up (never autoIndex), only kinds both MongoDB and FerretDB support.
 *
 * A payment is a document written once by payOrder (version 0: PENDING) carrying its unique
 * `(orderId, idempotencyKey)`, plus an append-only log of records `<paymentId>:<version>`; its current
 * state is the newest record. Nothing is updated in place except `publishedAt` and `unpublished` (by the outbox relay).
 */

export type PaymentStatus = 'PENDING' | 'REQUIRES_ACTION' | 'SUCCEEDED' | 'FAILED' | 'PARTIALLY_REFUNDED' | 'REFUNDED';
export const PAYMENT_STATUSES: readonly PaymentStatus[] = [
  'PENDING',
  'REQUIRES_ACTION',
  'SUCCEEDED',
  'FAILED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
];

/** The payment as created: recorded PENDING before the provider is called (docs/design.md §6). */
export interface PaymentDoc {
  /** Random UUID; also the provider's `reference` and the create call's `Idempotency-Key`. */
  _id: string;
  orderId: string;
  /** The client's key, unique per order: the same key finds this payment instead of creating another. */
  idempotencyKey: string;
  /** The order owner's subject at payment time; null for a guest order. */
  customerId: string | null;
  amount: number;
  currency: string;
  /** The provider token, kept so a retried payOrder (same key) re-sends the same request. */
  token: string;
  provider: string;
  /** The payOrder request's id: the correlation id of this payment's events. */
  correlationId: string;
  createdAt: Date;
}

/**
 * One change of a payment after its creation. `_id` is `<paymentId>:<version>`: of concurrent writers
 * exactly one insert wins each version. `sourceEventId` (unique) is what caused it: the provider's
 * webhook event id, a provider refund id (`refund:<re_…>`), or the record's own id — a second delivery
 * collides instead of acting twice. The record carries its event for the outbox relay.
 */
export interface RecordDoc {
  _id: string;
  paymentId: string;
  orderId: string;
  version: number;
  status: PaymentStatus;
  providerReference: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  /** True when the provider itself reported the failure (final); false for our own PROVIDER_UNAVAILABLE. */
  providerFinal: boolean;
  nextActionUrl: string | null;
  refundedAmount: number;
  note: string | null;
  sourceEventId: string;
  at: Date;
  event: unknown;
  publishedAt: Date | null;
}

/**
 * The in-flight slot of an order (`_id` = orderId): inserted before a payment is created, deleted when
 * that payment ends (SUCCEEDED or FAILED). The unique `_id` makes "no other payment of this order is
 * PENDING or REQUIRES_ACTION" exact under concurrency.
 */
export interface SlotDoc {
  _id: string;
  paymentId: string;
  idempotencyKey: string;
  createdAt: Date;
}

/**
 * A payment whose create call the provider never answered (timeouts after the retries), recorded FAILED
 * `PROVIDER_UNAVAILABLE` as a guess (`_id` = payment id). Inserted before that record, deleted once the
 * provider told what happened: the reconciler looks such payments up at the provider by reference.
 */
export interface UnknownOutcomeDoc {
  _id: string;
  orderId: string;
  createdAt: Date;
}

/** An order payment saw cancelled (`shop.order.cancelled.v1`): later successes of it are refunded. */
export interface CancelledOrderDoc {
  _id: string;
  eventId: string;
  at: Date;
}

const paymentSchema = new Schema<PaymentDoc>(
  {
    _id: { type: String, required: true },
    orderId: { type: String, required: true },
    idempotencyKey: { type: String, required: true },
    customerId: { type: String, default: null },
    amount: { type: Number, required: true },
    currency: { type: String, required: true },
    token: { type: String, required: true },
    provider: { type: String, required: true },
    correlationId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, autoIndex: false, minimize: false },
);
paymentSchema.index({ orderId: 1, idempotencyKey: 1 }, { unique: true });
paymentSchema.index({ orderId: 1, createdAt: 1 });

const recordSchema = new Schema<RecordDoc>(
  {
    _id: { type: String, required: true },
    paymentId: { type: String, required: true },
    orderId: { type: String, required: true },
    version: { type: Number, required: true, min: 1 },
    status: { type: String, enum: PAYMENT_STATUSES, required: true },
    providerReference: { type: String, default: null },
    failureCode: { type: String, default: null },
    failureMessage: { type: String, default: null },
    providerFinal: { type: Boolean, default: false },
    nextActionUrl: { type: String, default: null },
    refundedAmount: { type: Number, required: true },
    note: { type: String, default: null },
    sourceEventId: { type: String, required: true },
    at: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, autoIndex: false, minimize: false },
);
recordSchema.index({ sourceEventId: 1 }, { unique: true });
recordSchema.index({ paymentId: 1, version: 1 });
recordSchema.index({ orderId: 1 });
recordSchema.index({ unpublished: 1, at: 1 });

const slotSchema = new Schema<SlotDoc>(
  {
    _id: { type: String, required: true },
    paymentId: { type: String, required: true },
    idempotencyKey: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, autoIndex: false },
);

slotSchema.index({ createdAt: 1, _id: 1 });

const unknownSchema = new Schema<UnknownOutcomeDoc>(
  {
    _id: { type: String, required: true },
    orderId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, autoIndex: false },
);
unknownSchema.index({ createdAt: 1, _id: 1 });

const cancelledSchema = new Schema<CancelledOrderDoc>(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, autoIndex: false },
);

export interface PaymentModels {
  Payment: Model<PaymentDoc>;
  Record: Model<RecordDoc>;
  Slot: Model<SlotDoc>;
  Unknown: Model<UnknownOutcomeDoc>;
  CancelledOrder: Model<CancelledOrderDoc>;
}

export function createModels(conn: Connection): PaymentModels {
  return {
    Payment: conn.model<PaymentDoc>('Payment', paymentSchema, 'payments'),
    Record: conn.model<RecordDoc>('PaymentRecord', recordSchema, 'payment_records'),
    Slot: conn.model<SlotDoc>('PaymentSlot', slotSchema, 'payment_slots'),
    Unknown: conn.model<UnknownOutcomeDoc>('PaymentUnknownOutcome', unknownSchema, 'payment_unknown_outcomes'),
    CancelledOrder: conn.model<CancelledOrderDoc>('CancelledOrder', cancelledSchema, 'cancelled_orders'),
  };
}

export const allModels = (m: PaymentModels) => Object.values(m) as Model<never>[];
