import { PermanentError, type EventEnvelope } from '@shop/events';
import { annotateSpan, isAdmin, userError, type Caller, type Logger, type UserError } from '@shop/kit';
import { formatMoney } from '@shop/money';
import { mayUse } from './access.js';
import { isCancellable, type OrderState } from './domain.js';
import { cancelledEvent, correlationOf, deliveredEvent, paidEvent, shippedEvent } from './published-events.js';
import type { Decision, NewRecord, OrderStore } from './store.js';

/** An order mutation's payload (docs/design.md §4): the order after the change, unchanged on error. */
export interface OrderResult {
  order: OrderState | null;
  userErrors: UserError[];
}

/** The system's reason when the payment timeout cancels an order (docs/design.md §5 events table). */
export const PAYMENT_TIMEOUT = 'PAYMENT_TIMEOUT';

const notFound = (): OrderResult => ({ order: null, userErrors: [userError('ORDER_NOT_FOUND', 'no such order', ['id'])] });
const append = (record: NewRecord): Decision<UserError | null> => ({ kind: 'append', record });
const keep = (error: UserError | null = null): Decision<UserError | null> => ({ kind: 'keep', result: error });
const invalid = (s: OrderState, needs: string, what: string) =>
  userError('INVALID_TRANSITION', `the order is ${s.status}; ${what} needs it ${needs}`, ['id']);

function actorOf(caller: Caller): string {
  if (isAdmin(caller)) return 'admin';
  return caller.kind === 'user' ? 'customer' : caller.kind;
}

/**
 * Status changes after checkout (docs/design.md §4 lifecycle), each appended through `OrderStore.append`
 * so it is decided against the exact newest state: two concurrent changes cannot both happen, an
 * illegal one is a user error with the unchanged order. Each record carries the event it publishes.
 */
export class Orders {
  constructor(
    private readonly store: OrderStore,
    private readonly log: Logger,
  ) {}

  /** Customers (their orders), guests (by id) and admins; from PENDING_PAYMENT or PAID only. */
  async cancel(caller: Caller, orderId: string, reason: string | null, requestId: string): Promise<OrderResult> {
    const state = await this.store.get(orderId);
    if (!state || !mayUse(caller, state.order)) return notFound();
    const actor = actorOf(caller);
    const why = reason ?? (actor === 'admin' ? 'Cancelled by an admin' : 'Cancelled by the customer');
    return this.change(state, (s) =>
      isCancellable(s.status) ? append(this.cancellation(s, why, actor, requestId)) : keep(notCancellable(s)),
    );
  }

  /** admin: PAID → SHIPPED with the carrier's tracking. */
  async ship(orderId: string, tracking: { carrier: string; trackingNumber: string }, requestId: string): Promise<OrderResult> {
    const state = await this.store.get(orderId);
    if (!state) return notFound();
    return this.change(state, (s) =>
      s.status !== 'PAID'
        ? keep(invalid(s, 'PAID', 'shipOrder'))
        : append({
            kind: 'STATUS',
            status: 'SHIPPED',
            note: `Shipped with ${tracking.carrier}, tracking number ${tracking.trackingNumber}`,
            actor: 'admin',
            tracking,
            event: (t) => shippedEvent(s, t, requestId),
          }),
    );
  }

  /** admin: SHIPPED → DELIVERED. */
  async deliver(orderId: string, requestId: string): Promise<OrderResult> {
    const state = await this.store.get(orderId);
    if (!state) return notFound();
    return this.change(state, (s) =>
      s.status !== 'SHIPPED'
        ? keep(invalid(s, 'SHIPPED', 'markOrderDelivered'))
        : append({ kind: 'STATUS', status: 'DELIVERED', note: 'Delivered', actor: 'admin', event: (t) => deliveredEvent(s, t, requestId) }),
    );
  }

  /**
   * The system cancels an order (payment timeout, or a checkout that lost its cart to another order):
   * only while it is still PENDING_PAYMENT. Returns the state afterwards.
   */
  async expire(orderId: string, reason: string, note: string): Promise<OrderState | null> {
    const res = await this.store.append(orderId, (s) =>
      s.status === 'PENDING_PAYMENT' ? append(this.cancellation(s, reason, 'system', correlationOf(s.order), note)) : keep(),
    );
    return res?.state ?? null;
  }

  /**
   * `shop.payment.succeeded.v1` → PAID and `shop.order.paid.v1`. The PAID record carries the event id
   * (unique), so a redelivery changes nothing. An order that is no longer payable (cancelled, or paid
   * by another payment) records nothing: the payment service refunds such a payment.
   */
  async paymentSucceeded(event: EventEnvelope<'shop.payment.succeeded.v1'>, correlationId: string): Promise<void> {
    const { orderId, paymentId, amount, currency } = event.data;
    const state = await this.store.get(orderId);
    if (!state) throw new PermanentError(`order ${orderId} does not exist`);
    // The payment's trace carries the order number too, so `npm run trace -- <number>` finds it when the
    // client sent checkout and payment without one traceparent (docs/design.md §11).
    annotateSpan({ 'shop.order.id': orderId, 'shop.order.number': state.order.number });
    if (amount !== state.order.total || currency !== state.order.currency)
      throw new PermanentError(
        `payment ${paymentId} of ${amount} ${currency} does not match order total ${state.order.total} ${state.order.currency}`,
      );
    const res = await this.store.append(
      orderId,
      (s) => {
        if (s.sourceEventIds.has(event.id)) return keep();
        if (s.status !== 'PENDING_PAYMENT') return keep(userError('ORDER_NOT_PAYABLE', `order is ${s.status}`));
        return append({
          kind: 'STATUS',
          status: 'PAID',
          note: `Paid (payment ${paymentId})`,
          actor: 'payment',
          paymentId,
          sourceEventId: event.id,
          event: (t) => paidEvent(s, t, paymentId, correlationId),
        });
      },
      state,
    );
    if (res?.outcome === 'kept' && res.result)
      this.log.warn(
        { orderId, paymentId, status: res.state.status },
        'payment succeeded for an order that is no longer payable; payment refunds it',
      );
  }

  /** `shop.payment.refunded.v1` → a note on the timeline (status unchanged), once per event. */
  async paymentRefunded(event: EventEnvelope<'shop.payment.refunded.v1'>): Promise<void> {
    const { orderId, paymentId, amount, refundedTotal, currency } = event.data;
    const res = await this.store.append(orderId, (s) =>
      s.sourceEventIds.has(event.id)
        ? keep()
        : append({
            kind: 'NOTE',
            status: s.status,
            note: `Refunded ${formatMoney({ amount, currency })} of payment ${paymentId} (${formatMoney({ amount: refundedTotal, currency })} refunded in total)`,
            actor: 'payment',
            paymentId,
            sourceEventId: event.id,
            event: null,
          }),
    );
    if (!res) throw new PermanentError(`order ${orderId} does not exist`);
  }

  private cancellation(s: OrderState, reason: string, actor: string, correlationId: string, note = reason): NewRecord {
    return { kind: 'STATUS', status: 'CANCELLED', note, actor, event: (t) => cancelledEvent(s, t, reason, correlationId) };
  }

  private async change(state: OrderState, decide: (s: OrderState) => Decision<UserError | null>): Promise<OrderResult> {
    const res = (await this.store.append(state.id, decide, state))!;
    if (res.outcome === 'kept' && res.result) return { order: res.state, userErrors: [res.result] };
    return { order: res.state, userErrors: [] };
  }
}

const notCancellable = (s: OrderState) =>
  userError('ORDER_NOT_CANCELLABLE', `the order is ${s.status}; only PENDING_PAYMENT or PAID orders can be cancelled`, ['id']);
