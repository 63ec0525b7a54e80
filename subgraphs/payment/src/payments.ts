import type { Caller, Logger } from '@shop/kit';
import type { WebhookEvent } from './provider/contract.js';
import type { PaymentState } from './domain.js';
import { PayOrder } from './pay.js';
import type { PaymentProvider } from './provider.js';
import { ProviderOutcomes, type ProviderNews } from './provider-outcomes.js';
import { Refunds } from './refunds.js';
import type { PaymentResult } from './results.js';
import type { Services } from './services.js';
import type { AppendResult, PaymentStore } from './store.js';

export type { PaymentResult } from './results.js';
export type { ProviderNews } from './provider-outcomes.js';

/**
 * The payment service's use cases, one file each: payOrder (`pay.ts`), the provider's outcomes from
 * webhooks and the reconciler (`provider-outcomes.ts`), refunds (`refunds.ts`). Every state change is
 * appended through `PaymentStore.append` (decided against the exact newest state) and carries its event.
 */
export class Payments {
  /** Where the provider sends this service's webhooks; set once the service listens. */
  webhookUrl = '';

  private readonly refunds: Refunds;
  private readonly outcomes: ProviderOutcomes;
  private readonly payOrder: PayOrder;

  constructor(store: PaymentStore, provider: PaymentProvider, services: Services, log: Logger) {
    this.refunds = new Refunds(store, provider, log);
    this.outcomes = new ProviderOutcomes(store, this.refunds, log);
    this.payOrder = new PayOrder(store, provider, services, this.outcomes, () => this.webhookUrl);
  }

  /** payOrder: see `PayOrder.pay`. */
  pay(caller: Caller, input: { orderId: string; paymentToken: string; idempotencyKey: string }, requestId: string): Promise<PaymentResult> {
    return this.payOrder.pay(caller, input, requestId);
  }

  /** A verified provider webhook: see `ProviderOutcomes.applyWebhook`. */
  applyWebhook(event: WebhookEvent): Promise<void> {
    return this.outcomes.applyWebhook(event);
  }

  /** The provider's news of a payment, recorded once under `source`: see `ProviderOutcomes.applyProviderEvent`. */
  applyProviderEvent(state: PaymentState, news: ProviderNews, source: string): Promise<AppendResult> {
    return this.outcomes.applyProviderEvent(state, news, source);
  }

  /**
   * A payment recorded PENDING that the provider never answered for (a crash or an outage during
   * payOrder): the create call again, with the same Idempotency-Key, so the provider answers with the
   * payment it made, or makes it now — never a second one.
   */
  async sendAgain(state: PaymentState): Promise<PaymentState> {
    return (await this.payOrder.charge(state)).payment ?? state;
  }

  /** After any change: an ended payment frees the order's slot; a captured one may need refunding. */
  settled(state: PaymentState): Promise<void> {
    return this.outcomes.settled(state);
  }

  /** admin: refunds `amount` (default: everything not yet refunded) of a captured payment. */
  refund(paymentId: string, amount: number | null): Promise<PaymentResult> {
    return this.refunds.refund(paymentId, amount);
  }

  /** `shop.order.cancelled.v1`: see `Refunds.orderCancelled`. */
  orderCancelled(orderId: string, eventId: string): Promise<void> {
    return this.refunds.orderCancelled(orderId, eventId);
  }
}
