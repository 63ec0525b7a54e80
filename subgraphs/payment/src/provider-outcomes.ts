import type { Logger } from '@shop/kit';
import type { Refund, WebhookEvent, WebhookEventType } from './provider/contract.js';
import { isInFlight, wasCaptured, type PaymentState } from './domain.js';
import type { ProviderPayment } from './provider.js';
import { failedEvent, succeededEvent } from './published-events.js';
import type { Refunds } from './refunds.js';
import { append, keep, type AppendResult, type Decision, type PaymentStore } from './store.js';

/** What the provider reports about one payment: a webhook's type and data, or the same read back by GET. */
export interface ProviderNews {
  type: WebhookEventType;
  payment: ProviderPayment;
  refund?: Pick<Refund, 'id' | 'amount'> | undefined;
}

export function failureOf(p: ProviderPayment): { failureCode: string; failureMessage: string } {
  return {
    failureCode: (p.failureCode ?? 'card_declined').toUpperCase(),
    failureMessage: p.failureMessage || 'The payment was declined',
  };
}

/**
 * The provider's outcome of a payment — a webhook, or the reconciler's reading of the provider's
 * payment — recorded once, and what follows any change (`settled`).
 */
export class ProviderOutcomes {
  constructor(
    private readonly store: PaymentStore,
    private readonly refunds: Refunds,
    private readonly log: Logger,
  ) {}

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
}
