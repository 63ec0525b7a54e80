import { userError, type Logger } from '@shop/kit';
import { wasCaptured, type PaymentState } from './domain.js';
import { refundedEvent } from './published-events.js';
import { fail, type PaymentResult } from './results.js';
import type { PaymentProvider } from './provider.js';
import { append, keep, type PaymentStore } from './store.js';

/**
 * Refunds: an admin's (`refundPayment`), and the automatic ones of saga step 3 — every captured payment
 * of a cancelled order, and a second capture for one order — each recorded once per provider refund id.
 */
export class Refunds {
  constructor(
    private readonly store: PaymentStore,
    private readonly provider: PaymentProvider,
    private readonly log: Logger,
  ) {}

  /** Records one provider refund (by its id, once) on top of the refunds recorded so far. */
  applyRefund(paymentId: string, refundId: string, amount: number) {
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
  async refundIfUnwanted(state: PaymentState): Promise<void> {
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
