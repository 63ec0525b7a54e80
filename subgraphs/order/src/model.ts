import { Schema, type Connection, type Model } from 'mongoose';
import { outboxFields } from '@shop/events';
import { addressSchema, numberMarkerSchema, type Address, type NumberMarkerDoc } from '@shop/kit';

/**
 * Order service collections. Indexes are declared here and created by `ensureIndexes` at start-up
 * (never autoIndex), and only kinds both MongoDB and FerretDB support (docs/design.md §6).
 *
 * An order is a document written once at checkout (version 0: PENDING_PAYMENT) plus an append-only
 * log of transitions (versions 1, 2, …); its current state is the newest record. Nothing a request
 * does updates either in place: the only in-place writes are `publishedAt`/`unpublished` (by the outbox relay, its
 * one writer) and a deadline's `sweptAt` (by the payment-timeout sweeper, its one writer).
 */

export type OrderStatus = 'PENDING_PAYMENT' | 'PAID' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';
export const ORDER_STATUSES: readonly OrderStatus[] = ['PENDING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'];

/** A line as bought: a snapshot of the product at checkout, never changed afterwards. */
export interface OrderLineDoc {
  productId: string;
  sku: string;
  name: string;
  /** Net unit price in minor units. */
  unitPrice: number;
  quantity: number;
  /** unitPrice × quantity. */
  lineTotal: number;
}

/** `country` is ISO 3166-1 alpha-2, upper case. */
export type AddressDoc = Address;

/**
 * The order as placed. One insert decides everything checkout must decide exactly once: the unique
 * `(year, seq)` is the order number (SO-<year>-<seq>), the unique `(cartId, idempotencyKey)` makes a
 * repeated checkout find this order instead of writing another, and `event` (`shop.order.placed.v1`)
 * with `publishedAt: null` is its outbox entry (docs/design.md §6).
 */
export interface OrderDoc {
  _id: string;
  number: string;
  year: number;
  seq: number;
  cartId: string;
  idempotencyKey: string;
  /** The owning customer's subject; null for a guest order. */
  customerId: string | null;
  email: string;
  phone: string | null;
  shippingAddress: AddressDoc;
  lines: OrderLineDoc[];
  subtotal: number;
  tax: number;
  total: number;
  currency: string;
  taxRateBps: number;
  createdAt: Date;
  event: unknown;
  publishedAt: Date | null;
}

export type TransitionKind = 'STATUS' | 'NOTE';

/**
 * One entry of an order's log after checkout. `_id` is `<orderId>:<version>`: of two concurrent
 * writers of the same version exactly one insert succeeds (on FerretDB as on MongoDB), the loser
 * re-reads and decides again. A STATUS record moves the order `from` → `status`; a NOTE (a refund)
 * keeps the status. `sourceEventId` (unique, never missing) is the id of the consumed event that caused
 * the record, or the record's own `_id`: a redelivered event collides instead of acting twice. The
 * record carries the event it publishes (`event`, `publishedAt`), null/now when there is none.
 */
export interface TransitionDoc {
  _id: string;
  orderId: string;
  version: number;
  kind: TransitionKind;
  from: OrderStatus;
  status: OrderStatus;
  at: Date;
  note: string | null;
  /** customer, guest, admin, system (payment timeout, lost cart race) or payment. */
  actor: string;
  tracking: { carrier: string; trackingNumber: string } | null;
  paymentId: string | null;
  sourceEventId: string;
  /** The order's `createdAt`, copied so listings by status can page in order-creation order. */
  orderCreatedAt: Date;
  event: unknown;
  publishedAt: Date | null;
}

/**
 * When an order must be paid by. Written just before the order (keyed by its id), so a crash between
 * the two leaves a deadline without order, which the sweeper settles. Kept out of the order document
 * because the relay writes that one (one writer per mutable document, docs/design.md §6).
 */
export interface DeadlineDoc {
  _id: string;
  dueAt: Date;
  /** Written only by the sweeper, once the order is past PENDING_PAYMENT (or never existed). */
  sweptAt: Date | null;
  /** True until the sweeper settles the deadline: what a sweep finds open ones by (kit's SweepMarks). */
  unswept: boolean;
}

const lineSchema = new Schema<OrderLineDoc>(
  {
    productId: { type: String, required: true },
    sku: { type: String, required: true },
    name: { type: String, required: true },
    unitPrice: { type: Number, required: true },
    quantity: { type: Number, required: true },
    lineTotal: { type: Number, required: true },
  },
  { _id: false },
);

const statusEnum = { type: String, enum: ORDER_STATUSES, required: true };

const orderSchema = new Schema<OrderDoc>(
  {
    _id: { type: String, required: true },
    number: { type: String, required: true },
    year: { type: Number, required: true },
    seq: { type: Number, required: true, min: 1 },
    cartId: { type: String, required: true },
    idempotencyKey: { type: String, required: true },
    customerId: { type: String, default: null },
    email: { type: String, required: true },
    phone: { type: String, default: null },
    shippingAddress: { type: addressSchema(), required: true },
    lines: { type: [lineSchema], required: true },
    subtotal: { type: Number, required: true },
    tax: { type: Number, required: true },
    total: { type: Number, required: true },
    currency: { type: String, required: true },
    taxRateBps: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, autoIndex: false, minimize: false },
);
orderSchema.index({ year: 1, seq: 1 }, { unique: true });
orderSchema.index({ cartId: 1, idempotencyKey: 1 }, { unique: true });
orderSchema.index({ createdAt: -1, _id: -1 });
orderSchema.index({ customerId: 1, createdAt: -1, _id: -1 });
orderSchema.index({ unpublished: 1, createdAt: 1 });

const transitionSchema = new Schema<TransitionDoc>(
  {
    _id: { type: String, required: true },
    orderId: { type: String, required: true },
    version: { type: Number, required: true, min: 1 },
    kind: { type: String, enum: ['STATUS', 'NOTE'], required: true },
    from: statusEnum,
    status: statusEnum,
    at: { type: Date, required: true },
    note: { type: String, default: null },
    actor: { type: String, required: true },
    tracking: {
      type: new Schema({ carrier: { type: String, required: true }, trackingNumber: { type: String, required: true } }, { _id: false }),
      default: null,
    },
    paymentId: { type: String, default: null },
    sourceEventId: { type: String, required: true },
    orderCreatedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, autoIndex: false, minimize: false },
);
transitionSchema.index({ sourceEventId: 1 }, { unique: true });
transitionSchema.index({ orderId: 1, version: 1 });
transitionSchema.index({ kind: 1, status: 1, orderCreatedAt: -1, orderId: -1 });
transitionSchema.index({ kind: 1, from: 1, orderId: 1 });
transitionSchema.index({ unpublished: 1, at: 1 });

const deadlineSchema = new Schema<DeadlineDoc>(
  {
    _id: { type: String, required: true },
    dueAt: { type: Date, required: true },
    sweptAt: { type: Date, default: null },
    unswept: { type: Boolean, required: true },
  },
  { versionKey: false, autoIndex: false },
);
deadlineSchema.index({ unswept: 1, dueAt: 1 });

export interface OrderModels {
  Order: Model<OrderDoc>;
  Transition: Model<TransitionDoc>;
  Deadline: Model<DeadlineDoc>;
  /** Marker per used order number, `_id` = `<year>:<seq>`: what numbering probes (kit's GaplessNumbering). */
  OrderNumber: Model<NumberMarkerDoc>;
}

export function createModels(conn: Connection): OrderModels {
  return {
    Order: conn.model<OrderDoc>('Order', orderSchema, 'orders'),
    Transition: conn.model<TransitionDoc>('OrderTransition', transitionSchema, 'order_transitions'),
    Deadline: conn.model<DeadlineDoc>('PaymentDeadline', deadlineSchema, 'payment_deadlines'),
    OrderNumber: conn.model<NumberMarkerDoc>('OrderNumber', numberMarkerSchema(), 'order_numbers'),
  };
}

export const allModels = (m: OrderModels) => Object.values(m) as Model<never>[];
