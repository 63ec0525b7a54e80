import { randomUUID } from 'node:crypto';
import { mayUseOwned, type Caller } from '@shop/kit';
import { wasCaptured, type PaymentState } from './domain.js';
import type { PaymentProvider, ProviderPayment } from './provider.js';
import { failureOf, type ProviderOutcomes } from './provider-outcomes.js';
import { failedEvent, succeededEvent } from './published-events.js';
import { fail, resultOf, type PaymentResult } from './results.js';
import type { OrderView, Services } from './services.js';
import { append, keep, type Decision, type PaymentStore } from './store.js';

const notPayable = (message: string) => fail('ORDER_NOT_PAYABLE', message, ['input', 'orderId']);

/** How long a concurrent payOrder with the same key waits for the winner's payment document. */
const SAME_KEY_WAIT_MS = 5_000;

/**
 * payOrder: one payment slot per order, the payment recorded PENDING before the provider is called,
 * and the provider's answer recorded unless a webhook got there first.
 */
export class PayOrder {
  constructor(
    private readonly store: PaymentStore,
    private readonly provider: PaymentProvider,
    private readonly services: Services,
    private readonly outcomes: ProviderOutcomes,
    /** Where the provider sends this service's webhooks (known once the service listens). */
    private readonly webhookUrl: () => string,
  ) {}

  async pay(
    caller: Caller,
    input: { orderId: string; paymentToken: string; idempotencyKey: string },
    requestId: string,
  ): Promise<PaymentResult> {
    const { orderId, idempotencyKey } = input;
    const order = await this.services.order(orderId, requestId);
    if (!order || !mayUseOwned(caller, order.customerId)) return fail('ORDER_NOT_FOUND', 'no such order', ['input', 'orderId']);
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
  async charge(state: PaymentState): Promise<PaymentResult> {
    const out = await this.provider.createPayment({
      idempotencyKey: state.id,
      amount: state.doc.amount,
      currency: state.doc.currency,
      token: state.doc.token,
      reference: state.id,
      orderId: state.doc.orderId,
      webhookUrl: this.webhookUrl(),
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
    await this.outcomes.settled(now);
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
}
