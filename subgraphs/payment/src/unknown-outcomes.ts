import { inSpan, type Logger } from '@shop/kit';
import { isInFlight, type PaymentState } from './domain.js';
import type { UnknownOutcomeDoc } from './model.js';
import type { Payments } from './payments.js';
import type { PaymentProvider, ProviderPayment } from './provider.js';
import { append, keep, type PaymentStore } from './store.js';

/** Our own guess after the provider did not answer the create call: FAILED, not final, no provider id. */
export const isGuessedFailure = (s: PaymentState) =>
  s.status === 'FAILED' && !s.providerFinal && s.failureCode === 'PROVIDER_UNAVAILABLE' && !s.providerReference;

/** Of the provider's payments for one reference, the one that tells most: a success, else one in flight, else a failure. */
function mostTelling(found: ProviderPayment[]): ProviderPayment | undefined {
  const rank = { succeeded: 0, processing: 1, requires_action: 1, failed: 2 } as const;
  return [...found].sort((a, b) => rank[a.status] - rank[b.status])[0];
}

/**
 * Payments whose create call the provider never answered (`PaymentStore.markUnknown`): payOrder answered
 * FAILED `PROVIDER_UNAVAILABLE` and freed the order, but the provider may have charged the card. Each is
 * looked up at the provider by its reference (our payment id) until the provider tells:
 * - it succeeded → applied like its webhook (`reconciled:succeeded:<id>`): the order is paid, or — paid by
 *   another payment or cancelled meanwhile — the capture is refunded in full (`Payments.settled`);
 * - it failed → recorded as the provider's final failure;
 * - no such payment → nothing was charged: the failure becomes final (`reconciled:absent:<paymentId>`);
 * - still processing / awaiting 3-D Secure → asked again next pass, for at most `maxAgeMs`.
 * Every replica may run this: each change is a versioned insert with a unique source id, and deleting
 * the mark is idempotent.
 */
export class UnknownOutcomes {
  constructor(
    private readonly store: PaymentStore,
    private readonly payments: Payments,
    private readonly provider: PaymentProvider,
    private readonly log: Logger,
    private readonly maxAgeMs: number,
  ) {}

  /** One pass over the marks made before `cutoff`; returns how many payments changed. */
  async run(cutoff: Date, pageSize = 100): Promise<number> {
    let changed = 0;
    let last: UnknownOutcomeDoc | null = null;
    for (;;) {
      const marks = await this.store.unknownOlderThan(cutoff, last, pageSize);
      for (const mark of marks) {
        try {
          const attributes = { 'shop.payment.id': mark._id };
          if (await inSpan('payment outcome lookup', { newTrace: true, attributes }, () => this.resolve(mark))) changed++;
        } catch (err) {
          this.log.error({ err, paymentId: mark._id }, 'looking up a payment of unknown outcome failed; next pass retries');
        }
      }
      if (marks.length < pageSize) return changed;
      last = marks.at(-1)!;
    }
  }

  /** Asks the provider what became of one payment; true when this call changed it. */
  async resolve(mark: UnknownOutcomeDoc): Promise<boolean> {
    const state = await this.store.get(mark._id);
    if (state && isInFlight(state.status)) return false; // being sent again; the mark is decided after
    if (!state || !isGuessedFailure(state)) {
      // Settled meanwhile (a webhook, or an earlier pass whose refund failed): finish its settlement once more.
      if (state) await this.payments.settled(state);
      await this.store.forgetUnknown(mark._id);
      return false;
    }
    const out = await this.provider.findPayments(state.id);
    if (!out.ok) {
      this.log.warn({ paymentId: state.id, code: out.code, message: out.message }, 'provider search failed; next pass retries');
      return false;
    }
    const p = mostTelling(out.value);
    if (p && p.status !== 'succeeded' && p.status !== 'failed') {
      if (Date.now() - mark.createdAt.getTime() <= this.maxAgeMs) return false;
      this.log.error(
        { paymentId: state.id, providerReference: p.id, status: p.status },
        'payment still unsettled at the provider; no longer looked up',
      );
      await this.store.forgetUnknown(state.id);
      return false;
    }
    const res = p
      ? await this.payments.applyProviderEvent(
          state,
          { type: p.status === 'succeeded' ? 'payment.succeeded' : 'payment.failed', payment: p },
          `reconciled:${p.status}:${p.id}`,
        )
      : await this.neverCharged(state);
    await this.store.forgetUnknown(state.id);
    if (res?.outcome !== 'appended') return false;
    this.log.info(
      { paymentId: state.id, orderId: state.doc.orderId, status: res.state.status },
      'payment of unknown outcome settled with the provider',
    );
    return true;
  }

  /** The provider made no payment for it: our guess was right, and is now final (its event went out with the guess). */
  private neverCharged(state: PaymentState) {
    return this.store.append(
      state.id,
      (s) =>
        isGuessedFailure(s)
          ? append({
              status: 'FAILED',
              failureCode: 'PROVIDER_UNAVAILABLE',
              failureMessage: 'The payment provider never received the payment',
              providerFinal: true,
              sourceEventId: `reconciled:absent:${state.id}`,
              event: null,
            })
          : keep,
      state,
    );
  }
}
