import { randomUUID } from 'node:crypto';
import { isAdmin, userError, type Caller, type Logger, type UserError } from '@shop/kit';
import type { WebhookEvent } from '@shop/payment-sandbox';
import { isInFlight, wasCaptured, type PaymentState } from './domain.js';
import { failedEvent, refundedEvent, succeededEvent } from './events.js';
import type { PaymentProvider, ProviderPayment } from './provider.js';
import type { OrderView, Services } from './services.js';
import type { Decision, NewRecord, PaymentStore } from './store.js';

/** A payment mutation's payload (ARCHITECTURE §4). */
export interface PaymentResult {
  payment: PaymentState | null;
  userErrors: UserError[];
}

/** Codes a failed payment reports as its userError; anything else reads as a decline. */
const FAILURE_CODES = new Set(['CARD_DECLINED', 'INSUFFICIENT_FUNDS', 'INVALID_PAYMENT_TOKEN', 'PROVIDER_UNAVAILABLE']);

const append = (record: NewRecord): Decision => ({ kind: 'append', record });
const keep: Decision = { kind: 'keep' };
const fail = (code: string, message: string, field?: string[]): PaymentResult => ({
  payment: null,
  userErrors: [userError(code, message, field)],
});
const notPayable = (message: string) => fail('ORDER_NOT_PAYABLE', message, ['input', 'orderId']);

/** Guest orders: whoever holds the id. A customer's: that customer. Admins: all (ARCHITECTURE §7, as order). */
export function mayUse(caller: Caller, owner: { customerId: string | null }): boolean {
  if (isAdmin(caller)) return true;
  if (owner.customerId === null) return caller.kind === 'guest' || caller.kind === 'user';
  return caller.kind === 'user' && caller.sub === owner.customerId;
}

/** How long a concurrent payOrder with the same key waits for the winner's payment document. */
const SAME_KEY_WAIT_MS = 5_000;

/**
 * payOrder, refunds and the provider's webhooks. Every state change is appended through
 * `PaymentStore.append` (decided against the exact newest state) and carries its event.
 */
export class Payments {
  /** Where the provider sends this service's webhooks; set once the service listens. */
  webhookUrl = '';

  constructor(
    private readonly store: PaymentStore,
    private readonly provider: PaymentProvider,
    private readonly services: Services,
    private readonly log: Logger,
  ) {}

  // ---- payOrder --------------------------------------------------------------------------------------

  async pay(
    caller: Caller,
    input: { orderId: string; paymentToken: string; idempotencyKey: string },
    requestId: string,
  ): Promise<PaymentResult> {
    const { orderId, idempotencyKey } = input;
    const order = await this.services.order(orderId, requestId);
    if (!order || !mayUse(caller, order)) return fail('ORDER_NOT_FOUND', 'no such order', ['input', 'orderId']);
    let stockHeld = false;
    for (let attempt = 0; attempt < 20; attempt++) {
      const existing = await this.store.byIdempotencyKey(orderId, idempotencyKey);
      if (existing) return this.resume(existing);
      if (order.status !== 'PENDING_PAYMENT') return notPayable(`the order is ${order.status}; only PENDING_PAYMENT orders can be paid`);
      if (!stockHeld) {
        const hold = await this.services.holdStock(orderId, requestId);
        if (!hold.ok) return notPayable(`the order's reserved stock was released (${hold.state}); place the order again`);
        stockHeld = true;
      }
      const paymentId = randomUUID();
      const slot = await this.store.takeSlot(orderId, paymentId, idempotencyKey);
      if (!slot.taken) {
        if (slot.holder.idempotencyKey !== idempotencyKey)
          return fail('PAYMENT_IN_PROGRESS', 'another payment of this order is in progress', ['input', 'orderId']);
        // The same key, concurrently: the winner is writing its payment; answer with that one.
        const winner = await this.waitForPayment(slot.holder.paymentId);
        if (winner) return this.resume(winner);
        continue;
      }
      // Holding the slot, our own records are exact: a success is recorded before its slot is freed.
      if (await this.wasPaid(orderId)) {
        await this.store.releaseSlot(orderId, paymentId);
        return notPayable('the order is already paid');
      }
      const created = await this.create(order, input, paymentId, requestId);
      if (created) return this.charge(created);
      await this.store.releaseSlot(orderId, paymentId); // the key was taken meanwhile: loop finds it
    }
    return fail('PAYMENT_IN_PROGRESS', 'the payment is being processed; try again', ['input', 'orderId']);
  }

  /** Whether a payment of the order captured money (the order service may not know yet). */
  private async wasPaid(orderId: string): Promise<boolean> {
    const payments = (await this.store.ofOrders([orderId])).get(orderId) ?? [];
    return payments.some((p) => wasCaptured(p.status));
  }

  private async create(order: OrderView, input: { paymentToken: string; idempotencyKey: string }, paymentId: string, requestId: string) {
    const doc = {
      _id: paymentId,
      orderId: order.id,
      idempotencyKey: input.idempotencyKey,
      customerId: order.customerId,
      amount: order.total.amount,
      currency: order.total.currency,
      token: input.paymentToken,
      provider: this.provider.name,
      correlationId: requestId,
      createdAt: new Date(),
    };
    return (await this.store.create(doc)) ? this.store.get(paymentId) : null;
  }

  private async waitForPayment(paymentId: string): Promise<PaymentState | null> {
    const deadline = Date.now() + SAME_KEY_WAIT_MS;
    while (Date.now() < deadline) {
      const p = await this.store.get(paymentId);
      if (p) return p;
      await new Promise((r) => setTimeout(r, 20));
    }
    return null;
  }

  /** The same key again: a payment the provider never answered for is sent again (same Idempotency-Key). */
  private async resume(state: PaymentState): Promise<PaymentResult> {
    if (state.status === 'PENDING' && !state.providerReference) return this.charge(state);
    return resultOf(state);
  }

  /**
   * Calls the provider for a payment recorded PENDING, with the payment id as Idempotency-Key (the same
   * on every retry and on every repeat of payOrder with the same key), and records the answer.
   */
  private async charge(state: PaymentState): Promise<PaymentResult> {
    const out = await this.provider.createPayment({
      idempotencyKey: state.id,
      amount: state.doc.amount,
      currency: state.doc.currency,
      token: state.doc.token,
      reference: state.id,
      orderId: state.doc.orderId,
      webhookUrl: this.webhookUrl,
    });
    let res;
    if (!out.ok) {
      const invalid = out.kind === 'invalid_token';
      const failureCode = invalid ? 'INVALID_PAYMENT_TOKEN' : 'PROVIDER_UNAVAILABLE';
      const failureMessage = invalid
        ? 'The payment token is not valid'
        : out.kind === 'unavailable'
          ? 'The payment provider is unavailable; try again later'
          : `The payment provider refused the payment (${out.code})`;
      res = await this.store.append(
        state.id,
        (s) =>
          s.status === 'PENDING' && !s.providerReference
            ? append({ status: 'FAILED', failureCode, failureMessage, providerFinal: invalid, event: failedEvent })
            : keep,
        state,
      );
    } else {
      res = await this.store.append(state.id, (s) => this.fromProvider(s, out.value), state);
    }
    if (!res) throw new Error(`payment ${state.id} disappeared`);
    const now = res.state;
    await this.settled(now);
    return resultOf(now);
  }

  /** The provider's answer to the create call, applied unless a webhook got there first. */
  private fromProvider(s: PaymentState, p: ProviderPayment): Decision {
    if (s.status !== 'PENDING' || s.providerReference) return keep;
    switch (p.status) {
      case 'processing':
        return append({ status: 'PENDING', providerReference: p.id, event: null });
      case 'requires_action':
        return append({ status: 'REQUIRES_ACTION', providerReference: p.id, nextActionUrl: p.nextActionUrl ?? null, event: null });
      case 'failed':
        return append({ status: 'FAILED', providerReference: p.id, providerFinal: true, ...failureOf(p), event: failedEvent });
      case 'succeeded':
        return append({ status: 'SUCCEEDED', providerReference: p.id, event: succeededEvent });
    }
  }

  /** After any change: an ended payment frees the order's slot; a captured one may need refunding. */
  private async settled(state: PaymentState): Promise<void> {
    if (!isInFlight(state.status)) await this.store.releaseSlot(state.doc.orderId, state.id);
    if (wasCaptured(state.status)) await this.refundIfUnwanted(state);
  }

  // ---- webhooks --------------------------------------------------------------------------------------

  /**
   * A verified provider event. Duplicates and out-of-order deliveries are safe: every transition is
   * decided against the newest state and carries the provider's event id (or refund id) under a unique key.
   */
  async applyWebhook(event: WebhookEvent): Promise<void> {
    const p = event.data.payment;
    const state = await this.store.get(p.reference);
    if (!state) {
      this.log.warn({ eventId: event.id, reference: p.reference }, 'webhook for an unknown payment; ignored');
      return;
    }
    const source = `evt:${event.id}`;
    let res;
    switch (event.type) {
      case 'payment.succeeded':
        res = await this.store.append(state.id, (s) => this.succeed(s, p, source), state);
        break;
      case 'payment.failed':
        res = await this.store.append(
          state.id,
          (s) =>
            isInFlight(s.status) || (s.status === 'FAILED' && !s.providerFinal)
              ? append({
                  status: 'FAILED',
                  providerReference: p.id,
                  providerFinal: true,
                  ...failureOf(p),
                  sourceEventId: source,
                  event: failedEvent,
                })
              : keep,
          state,
        );
        break;
      case 'payment.refunded': {
        // A refund implies the payment succeeded: if its success has not arrived yet, record it first.
        await this.store.append(state.id, (s) => this.succeed(s, p, `succeeded:${p.id}`), state);
        const refund = event.data.refund;
        res = refund ? await this.applyRefund(state.id, refund.id, refund.amount) : null;
        break;
      }
    }
    const now = res?.state ?? (await this.store.get(state.id))!;
    if (res?.outcome === 'kept' && event.type === 'payment.succeeded' && now.status === 'FAILED')
      this.log.warn({ paymentId: now.id, eventId: event.id }, 'payment.succeeded after a final failure; ignored');
    await this.settled(now);
  }

  private succeed(s: PaymentState, p: ProviderPayment, sourceEventId: string): Decision {
    // A failure the provider reported is final; our own PROVIDER_UNAVAILABLE was a guess the provider overrules.
    if (!(isInFlight(s.status) || (s.status === 'FAILED' && !s.providerFinal))) return keep;
    return append({ status: 'SUCCEEDED', providerReference: p.id, sourceEventId, event: succeededEvent });
  }

  /** Records one provider refund (by its id, once) on top of the refunds recorded so far. */
  private applyRefund(paymentId: string, refundId: string, amount: number) {
    return this.store.append(paymentId, (s) => {
      if (!wasCaptured(s.status)) return keep;
      const total = Math.min(s.doc.amount, s.refundedAmount + amount);
      return append({
        status: total >= s.doc.amount ? 'REFUNDED' : 'PARTIALLY_REFUNDED',
        refundedAmount: total,
        note: `refund ${refundId}`,
        sourceEventId: `refund:${refundId}`,
        event: (st, r) => refundedEvent(st, r, amount),
      });
    });
  }

  // ---- refunds ---------------------------------------------------------------------------------------

  /** admin: refunds `amount` (default: everything not yet refunded) of a captured payment. */
  async refund(paymentId: string, amount: number | null): Promise<PaymentResult> {
    const state = await this.store.get(paymentId);
    if (!state) return fail('PAYMENT_NOT_FOUND', 'no such payment', ['paymentId']);
    const remaining = state.doc.amount - state.refundedAmount;
    if (!wasCaptured(state.status) || remaining <= 0)
      return { payment: state, userErrors: [userError('PAYMENT_NOT_REFUNDABLE', `the payment is ${state.status}`, ['paymentId'])] };
    const wanted = amount ?? remaining;
    if (wanted > remaining)
      return {
        payment: state,
        userErrors: [userError('REFUND_EXCEEDS_PAYMENT', `at most ${remaining} can be refunded`, ['amount'])],
      };
    // Stable per (state, amount): two identical concurrent admin refunds are one refund at the provider.
    const out = await this.provider.refund({
      idempotencyKey: `refund:${state.id}:v${state.version}:${wanted}`,
      providerReference: state.providerReference!,
      amount: wanted,
    });
    if (!out.ok) {
      const code =
        out.code === 'refund_exceeds_payment'
          ? 'REFUND_EXCEEDS_PAYMENT'
          : out.code === 'payment_not_refundable'
            ? 'PAYMENT_NOT_REFUNDABLE'
            : 'PROVIDER_UNAVAILABLE';
      return {
        payment: (await this.store.get(paymentId))!,
        userErrors: [userError(code, out.message, code === 'PROVIDER_UNAVAILABLE' ? undefined : ['amount'])],
      };
    }
    const res = await this.applyRefund(paymentId, out.value.refund.id, out.value.refund.amount);
    return { payment: res?.state ?? (await this.store.get(paymentId)), userErrors: [] };
  }

  /**
   * `shop.order.cancelled.v1`: remember the order is cancelled (a payment that succeeds later is then
   * refunded), then refund in full every captured payment of it. Redeliveries repeat the same provider
   * refund (stable Idempotency-Key) and record nothing twice.
   */
  async orderCancelled(orderId: string, eventId: string): Promise<void> {
    await this.store.markOrderCancelled(orderId, eventId);
    const payments = (await this.store.ofOrders([orderId])).get(orderId) ?? [];
    for (const p of payments) if (wasCaptured(p.status)) await this.autoRefund(p, 'the order was cancelled');
  }

  /** A captured payment of a cancelled order, or a second capture for one order, is refunded in full. */
  private async refundIfUnwanted(state: PaymentState): Promise<void> {
    if (state.doc.amount - state.refundedAmount <= 0) return;
    if (await this.store.isOrderCancelled(state.doc.orderId)) return this.autoRefund(state, 'the order was cancelled');
    const siblings = (await this.store.ofOrders([state.doc.orderId])).get(state.doc.orderId) ?? [];
    const capturedAt = (p: PaymentState) => p.records.find((r) => r.status === 'SUCCEEDED')?.at.getTime() ?? Infinity;
    const mine = capturedAt(state);
    const earlier = siblings.some(
      (p) => p.id !== state.id && wasCaptured(p.status) && (capturedAt(p) < mine || (capturedAt(p) === mine && p.id < state.id)),
    );
    if (earlier) await this.autoRefund(state, 'the order was already paid');
  }

  private async autoRefund(state: PaymentState, why: string): Promise<void> {
    if (state.doc.amount - state.refundedAmount <= 0 || !state.providerReference) return;
    const out = await this.provider.refund({ idempotencyKey: `refund:${state.id}:auto`, providerReference: state.providerReference });
    if (!out.ok) {
      if (out.code === 'payment_not_refundable') return; // refunded in full already
      throw new Error(`automatic refund of payment ${state.id} failed: ${out.code} ${out.message}`);
    }
    this.log.info({ paymentId: state.id, orderId: state.doc.orderId, why }, 'refunded automatically');
    await this.applyRefund(state.id, out.value.refund.id, out.value.refund.amount);
  }
}

function failureOf(p: ProviderPayment): { failureCode: string; failureMessage: string } {
  return {
    failureCode: (p.failureCode ?? 'card_declined').toUpperCase(),
    failureMessage: p.failureMessage || 'The payment was declined',
  };
}

/** The payload for a payment as it is: a failed one carries its reason as the userError. */
export function resultOf(state: PaymentState): PaymentResult {
  if (state.status !== 'FAILED') return { payment: state, userErrors: [] };
  const code = FAILURE_CODES.has(state.failureCode ?? '') ? state.failureCode! : 'CARD_DECLINED';
  return { payment: state, userErrors: [userError(code, state.failureMessage ?? 'The payment failed', ['input', 'paymentToken'])] };
}
