import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ProductChangedV1, ProductStockChangedV1 } from './product-contracts.js';

/**
 * Event contracts (docs/design.md §5): one zod schema per subject, used by the publisher (`createEvent`)
 * and by every consumer (`parseEvent`). Money is integer minor units with an ISO currency; aggregate
 * ids of orders, payments and invoices are UUIDs; product ids are opaque strings (they may be
 * ObjectIds). A breaking change gets a new `.v2` subject next to the old one, never an edit here.
 * Unknown data fields are stripped on parse, so adding an optional field is not breaking.
 */

// Field schemas, exported so publishers can validate their inputs with exactly the same rules.
export const Uuid = z.uuid();
export const ProductId = z.string().min(1).max(64);
export const MinorUnits = z.int().nonnegative();
export const PositiveMinorUnits = z.int().positive();
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD');
export const Email = z.email();
export const Phone = z.string().trim().min(3).max(32);
export const OrderNumber = z.string().regex(/^SO-\d{4}-\d{6,}$/, 'must look like SO-2026-000123');
export const InvoiceNumber = z.string().regex(/^INV-\d{4}-\d{6,}$/, 'must look like INV-2026-000001');

const sumIs = (total: number, parts: number[]) => parts.reduce((a, b) => a + b, 0) === total;

/**
 * `shop.order.placed.v1` — published by **order** when `checkout` has written the order
 * `PENDING_PAYMENT` (stock reserved). Consumed by product (confirms the reservation), cart (marks
 * `cartId` CHECKED_OUT for the order, the safety net of checkout's own call), messaging.
 * Invariants: `lineTotal = unitPrice × quantity`, `subtotal = Σ lineTotal`, `total = subtotal + tax`
 * (prices are net, docs/design.md §3).
 * `cartId` (the cart the order was placed from) is optional so that events stored without it still
 * parse; the order service sets it on every event it writes.
 */
export const OrderPlacedV1 = z
  .object({
    orderId: Uuid,
    number: OrderNumber,
    cartId: Uuid.optional(),
    customerId: z.string().min(1).optional(),
    email: Email,
    phone: Phone.optional(),
    lines: z
      .array(
        z
          .object({
            productId: ProductId,
            sku: z.string().min(1),
            name: z.string().min(1),
            unitPrice: MinorUnits,
            quantity: z.int().positive(),
            lineTotal: MinorUnits,
          })
          .refine((l) => l.lineTotal === l.unitPrice * l.quantity, {
            message: 'lineTotal must be unitPrice × quantity',
            path: ['lineTotal'],
          }),
      )
      .min(1),
    subtotal: MinorUnits,
    tax: MinorUnits,
    total: MinorUnits,
    currency: Currency,
  })
  .refine(
    (o) =>
      sumIs(
        o.subtotal,
        o.lines.map((l) => l.lineTotal),
      ),
    { message: 'subtotal must be the sum of lineTotal', path: ['subtotal'] },
  )
  .refine((o) => o.total === o.subtotal + o.tax, { message: 'total must be subtotal + tax', path: ['total'] });

/**
 * `shop.order.paid.v1` — published by **order** when it consumed `payment.succeeded` and appended the
 * `PAID` transition. Consumed by invoice (issues the invoice).
 */
export const OrderPaidV1 = z.object({
  orderId: Uuid,
  number: OrderNumber,
  paymentId: Uuid,
  total: MinorUnits,
  currency: Currency,
});

/**
 * `shop.order.cancelled.v1` — published by **order** when `cancelOrder` or the payment-timeout sweeper
 * appended the `CANCELLED` transition. `reason` is the caller's text or a system reason such as
 * `PAYMENT_TIMEOUT`; `wasPaid` tells payment to refund. Consumed by product (releases the stock once),
 * payment (refund if paid), messaging.
 */
export const OrderCancelledV1 = z.object({
  orderId: Uuid,
  number: OrderNumber,
  reason: z.string().min(1).max(500),
  wasPaid: z.boolean(),
  lines: z.array(z.object({ productId: ProductId, quantity: z.int().positive() })).min(1),
  email: Email,
});

/** `shop.order.shipped.v1` — published by **order** on `shipOrder` (`SHIPPED`). Consumed by messaging (email + SMS). */
export const OrderShippedV1 = z.object({
  orderId: Uuid,
  number: OrderNumber,
  carrier: z.string().min(1).max(100),
  trackingNumber: z.string().min(1).max(100),
  email: Email,
  phone: Phone.optional(),
});

/** `shop.order.delivered.v1` — published by **order** on `markOrderDelivered` (`DELIVERED`). Consumed by messaging. */
export const OrderDeliveredV1 = z.object({
  orderId: Uuid,
  number: OrderNumber,
});

/**
 * `shop.payment.succeeded.v1` — published by **payment** when the provider's verified webhook settles a
 * payment as succeeded. Consumed by order (→ `PAID`, or an automatic refund if the order is no longer payable).
 */
export const PaymentSucceededV1 = z.object({
  paymentId: Uuid,
  orderId: Uuid,
  amount: PositiveMinorUnits,
  currency: Currency,
  providerReference: z.string().min(1),
});

/**
 * `shop.payment.failed.v1` — published by **payment** when a charge fails (at once, e.g. `CARD_DECLINED`,
 * or by webhook). The order stays payable. Consumed by messaging.
 */
export const PaymentFailedV1 = z.object({
  paymentId: Uuid,
  orderId: Uuid,
  amount: PositiveMinorUnits,
  currency: Currency,
  failureCode: z.string().min(1),
  failureMessage: z.string().min(1),
});

/**
 * `shop.payment.refunded.v1` — published by **payment** after a refund (admin `refundPayment`, the
 * automatic full refund of a cancelled paid order, or of a payment that succeeded too late). `amount` is
 * this refund, `refundedTotal` all refunds of the payment so far. Consumed by order (timeline note), messaging.
 */
export const PaymentRefundedV1 = z
  .object({
    paymentId: Uuid,
    orderId: Uuid,
    amount: PositiveMinorUnits,
    refundedTotal: PositiveMinorUnits,
    currency: Currency,
  })
  .refine((r) => r.refundedTotal >= r.amount, { message: 'refundedTotal must include amount', path: ['refundedTotal'] });

/**
 * `shop.invoice.issued.v1` — published by **invoice** when it consumed `order.paid` and wrote the invoice
 * with the next gapless number. Consumed by invoice-renderer.
 */
export const InvoiceIssuedV1 = z.object({
  invoiceId: Uuid,
  orderId: Uuid,
  number: InvoiceNumber,
});

/**
 * `shop.invoice.rendered.v1` — published by **invoice** after the renderer uploaded the PDF (invoice
 * `READY`). Its event id is derived from the invoice id (`derivedEventId`), so rendering again does not
 * send it twice. Consumed by messaging (invoice email with the PDF).
 */
export const InvoiceRenderedV1 = z.object({
  invoiceId: Uuid,
  orderId: Uuid,
  number: InvoiceNumber,
  bytes: z.int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256'),
});

/** Every subject and its `data` schema: the single source of truth for publishers and consumers. */
export const EVENT_SCHEMAS = {
  'shop.order.placed.v1': OrderPlacedV1,
  'shop.order.paid.v1': OrderPaidV1,
  'shop.order.cancelled.v1': OrderCancelledV1,
  'shop.order.shipped.v1': OrderShippedV1,
  'shop.order.delivered.v1': OrderDeliveredV1,
  'shop.payment.succeeded.v1': PaymentSucceededV1,
  'shop.payment.failed.v1': PaymentFailedV1,
  'shop.payment.refunded.v1': PaymentRefundedV1,
  'shop.invoice.issued.v1': InvoiceIssuedV1,
  'shop.invoice.rendered.v1': InvoiceRenderedV1,
  'shop.product.changed.v1': ProductChangedV1,
  'shop.product.stock-changed.v1': ProductStockChangedV1,
} as const satisfies Record<string, z.ZodType>;

export type EventSubject = keyof typeof EVENT_SCHEMAS;
export const EVENT_SUBJECTS = Object.keys(EVENT_SCHEMAS) as EventSubject[];
export const isEventSubject = (s: string): s is EventSubject => Object.hasOwn(EVENT_SCHEMAS, s);

export type EventData<S extends EventSubject> = z.output<(typeof EVENT_SCHEMAS)[S]>;

/** The envelope every event travels in; `id` is also the JetStream `Nats-Msg-Id`. */
export interface EventEnvelope<S extends EventSubject = EventSubject> {
  id: string;
  type: S;
  /** ISO 8601 with offset, when the state change happened. */
  occurredAt: string;
  /** Publishing service, e.g. `order`. */
  source: string;
  /** Request id of the call that caused it, carried through every later event of the saga. */
  correlationId: string;
  data: EventData<S>;
}

/** A union over all subjects, discriminated by `type`. */
export type AnyEvent = { [S in EventSubject]: EventEnvelope<S> }[EventSubject];

/** A payload that does not satisfy its contract: permanent for a consumer (straight to the DLQ). */
export class EventValidationError extends Error {
  constructor(
    readonly subject: string,
    readonly issues: readonly string[],
  ) {
    super(`invalid ${subject} event: ${issues.join('; ')}`);
    this.name = 'EventValidationError';
  }
}

const envelopes = new Map<EventSubject, z.ZodType>();
function envelopeSchema(subject: EventSubject): z.ZodType {
  let schema = envelopes.get(subject);
  if (!schema) {
    schema = z.object({
      id: Uuid,
      type: z.literal(subject),
      occurredAt: z.iso.datetime({ offset: true }),
      source: z.string().min(1).max(100),
      correlationId: z.string().min(1).max(200),
      data: EVENT_SCHEMAS[subject],
    });
    envelopes.set(subject, schema);
  }
  return schema;
}

function validate<S extends EventSubject>(subject: string, raw: unknown): EventEnvelope<S> {
  if (!isEventSubject(subject)) throw new EventValidationError(subject, [`unknown subject "${subject}"`]);
  const result = envelopeSchema(subject).safeParse(raw);
  if (!result.success) {
    throw new EventValidationError(
      subject,
      result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return result.data as EventEnvelope<S>;
}

export interface CreateEventOptions {
  source: string;
  correlationId: string;
  /** A fixed id for events that must keep theirs across retries (see `derivedEventId`); random otherwise. */
  id?: string;
  occurredAt?: Date;
}

/** Builds and validates an event for publishing; throws `EventValidationError` on a contract breach. */
export function createEvent<S extends EventSubject>(subject: S, data: EventData<S>, opts: CreateEventOptions): EventEnvelope<S> {
  return validate<S>(subject, {
    id: opts.id ?? randomUUID(),
    type: subject,
    occurredAt: (opts.occurredAt ?? new Date()).toISOString(),
    source: opts.source,
    correlationId: opts.correlationId,
    data,
  });
}

/** Validates a received (JSON-decoded) event against the contract of `subject`; throws `EventValidationError`. */
export function parseEvent<S extends EventSubject>(subject: S, raw: unknown): EventEnvelope<S> {
  return validate<S>(subject, raw);
}

/** Validates an event of any known subject, taken from its own `type`. */
export function parseAnyEvent(raw: unknown): AnyEvent {
  const type = (raw as { type?: unknown } | null)?.type;
  if (typeof type !== 'string') throw new EventValidationError('(unknown)', ['type: missing']);
  return validate(type, raw) as AnyEvent;
}

/** Decodes a message body (UTF-8 JSON) and validates it; a body that is not JSON is a validation error too. */
export function decodeEvent<S extends EventSubject>(subject: S, body: Uint8Array): EventEnvelope<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(body));
  } catch (err) {
    throw new EventValidationError(subject, [`body is not JSON (${(err as Error).message})`]);
  }
  return parseEvent(subject, raw);
}

const ID_NAMESPACE = Buffer.from('1b671a64-40d5-491e-99b0-da01ff1f3341'.replace(/-/g, ''), 'hex');

/**
 * A stable event id (UUID v5) from a key such as `invoice.rendered:<invoiceId>`: the same fact always
 * gets the same id, so JetStream and consumers treat a re-publication as a duplicate.
 */
export function derivedEventId(key: string): string {
  const h = createHash('sha1').update(ID_NAMESPACE).update(key).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
