import { randomUUID } from 'node:crypto';
import { isAdmin, userError, type Caller, type Logger } from '@shop/kit';
import type { Refund, WebhookEvent, WebhookEventType } from './provider/contract.js';
import { isInFlight, wasCaptured, type PaymentState } from './domain.js';
import { failedEvent, succeededEvent } from './events.js';
import type { PaymentProvider, ProviderPayment } from './provider.js';
import type { OrderView, Services } from './services.js';
import { Refunds } from './refunds.js';
import { fail, type PaymentResult } from './results.js';
import { append, keep, type AppendResult, type Decision, type PaymentStore } from './store.js';

export type { PaymentResult } from './results.js';

/** What the provider reports about one payment: a webhook's type and data, or the same read back by GET. */
export interface ProviderNews {
  type: WebhookEventType;
  payment: ProviderPayment;
  refund?: Pick<Refund, 'id' | 'amount'> | undefined;
}

/** Codes a failed payment reports as its userError; anything else reads as a decline. */
const FAILURE_CODES = new Set(['CARD_DECLINED', 'INSUFFICIENT_FUNDS', 'INVALID_PAYMENT_TOKEN', 'PROVIDER_UNAVAILABLE']);

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

  private readonly refunds: Refunds;

  constructor(
    private readonly store: PaymentStore,
    private readonly provider: PaymentProvider,
    private readonly services: Services,
    private readonly log: Logger,
  ) {
    this.refunds = new Refunds(store, provider, log);
  }

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
      // No answer: the provider may have charged. Marked before the guess is recorded; the reconciler asks.
      if (out.kind === 'unavailable') await this.store.markUnknown(state.id, state.doc.orderId);
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
    await this.applyProviderEvent(state, { type: event.type, payment: p, refund: event.data.refund }, `evt:${event.id}`);
  }

  /**
   * What the provider says happened to a payment — a webhook, or the reconciler's reading of the
   * provider's payment — applied once: each transition is decided against the newest state, and
   * `source` (unique per record) makes a repeat of the same news a duplicate. The outcome says whether
   * this call recorded it (`appended`).
   */
  async applyProviderEvent(state: PaymentState, news: ProviderNews, source: string): Promise<AppendResult> {
    const p = news.payment;
    let res;
    switch (news.type) {
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
        res = news.refund ? await this.refunds.applyRefund(state.id, news.refund.id, news.refund.amount) : null;
        break;
      }
    }
    const now = res?.state ?? (await this.store.get(state.id))!;
    if (res?.outcome === 'kept' && news.type === 'payment.succeeded' && now.status === 'FAILED')
      this.log.warn({ paymentId: now.id, source }, 'payment.succeeded after a final failure; ignored');
    await this.settled(now);
    return { outcome: res?.outcome ?? 'kept', state: now };
  }

  /**
   * A payment recorded PENDING that the provider never answered for (a crash or an outage during
   * payOrder): the create call again, with the same Idempotency-Key, so the provider answers with the
   * payment it made, or makes it now — never a second one.
   */
  async sendAgain(state: PaymentState): Promise<PaymentState> {
    return (await this.charge(state)).payment ?? state;
  }

  /** After any change: an ended payment frees the order's slot; a captured one may need refunding. */
  async settled(state: PaymentState): Promise<void> {
    if (!isInFlight(state.status)) await this.store.releaseSlot(state.doc.orderId, state.id);
    if (wasCaptured(state.status)) await this.refunds.refundIfUnwanted(state);
  }

  private succeed(s: PaymentState, p: ProviderPayment, sourceEventId: string): Decision {
    // A failure the provider reported is final; our own PROVIDER_UNAVAILABLE was a guess the provider overrules.
    if (!(isInFlight(s.status) || (s.status === 'FAILED' && !s.providerFinal))) return keep;
    return append({ status: 'SUCCEEDED', providerReference: p.id, sourceEventId, event: succeededEvent });
  }

  // ---- refunds (src/refunds.ts) -----------------------------------------------------------------------

  /** admin: refunds `amount` (default: everything not yet refunded) of a captured payment. */
  refund(paymentId: string, amount: number | null): Promise<PaymentResult> {
    return this.refunds.refund(paymentId, amount);
  }

  /** `shop.order.cancelled.v1`: see `Refunds.orderCancelled`. */
  orderCancelled(orderId: string, eventId: string): Promise<void> {
    return this.refunds.orderCancelled(orderId, eventId);
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
