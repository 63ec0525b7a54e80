import { inSpan, type Logger } from '@shop/kit';
import { isInFlight, type PaymentState } from './domain.js';
import { failedEvent } from './published-events.js';
import type { Payments } from './payments.js';
import type { PaymentProvider } from './provider.js';
import { append, keep, type AppendResult, type PaymentStore } from './store.js';
import { UnknownOutcomes } from './unknown-outcomes.js';

/**
 * Settlement normally arrives by webhook. A payment still in flight `afterMs` after payOrder began
 * (its order's slot is that old) is looked up at the provider and the answer applied through the same
 * path as a webhook (`Payments.applyProviderEvent`): `payment.succeeded` / `payment.failed` once, a
 * success for a cancelled order refunded. Every replica may run this: each transition is an insert
 * decided against the newest state, with a source id (`reconciled:<status>:<provider id>`) that a
 * second replica's identical record collides with.
 */
export class Reconciler {
  /** Payments whose create call the provider never answered (see `UnknownOutcomes`). */
  readonly unknownOutcomes: UnknownOutcomes;

  constructor(
    private readonly store: PaymentStore,
    private readonly payments: Payments,
    private readonly provider: PaymentProvider,
    private readonly log: Logger,
    o: { unknownOutcomeTtlMs: number },
  ) {
    this.unknownOutcomes = new UnknownOutcomes(store, payments, provider, log, o.unknownOutcomeTtlMs);
  }

  /**
   * One pass over every payment in flight since before `cutoff`, then over every payment of unknown
   * outcome marked before it; returns how many changed.
   */
  async run(cutoff: Date, pageSize = 100): Promise<number> {
    return (await this.inFlight(cutoff, pageSize)) + (await this.unknownOutcomes.run(cutoff, pageSize));
  }

  private async inFlight(cutoff: Date, pageSize: number): Promise<number> {
    let changed = 0;
    let last = null;
    for (;;) {
      const slots = await this.store.slotsOlderThan(cutoff, last, pageSize);
      for (const slot of slots) {
        try {
          // A trace of its own (drawn at the sampling ratio): what it settles continues the purchase from here.
          const attributes = { 'shop.payment.id': slot.paymentId };
          if (await inSpan('payment reconciliation', { newTrace: true, attributes }, () => this.reconcile(slot.paymentId))) changed++;
        } catch (err) {
          this.log.error({ err, paymentId: slot.paymentId }, 'reconciliation of a payment failed; next pass retries');
        }
      }
      if (slots.length < pageSize) return changed;
      last = slots.at(-1)!;
    }
  }

  /** Asks the provider about one payment and applies what it says; true when this call changed it. */
  async reconcile(paymentId: string): Promise<boolean> {
    const state = await this.store.get(paymentId);
    if (!state) return false; // payOrder is still writing it, or crashed: its next call clears the slot
    if (!isInFlight(state.status)) {
      await this.payments.settled(state); // ended, but its slot was not freed (a crash in between)
      return false;
    }
    if (!state.providerReference) {
      const now = await this.payments.sendAgain(state);
      return now.version !== state.version;
    }
    const out = await this.provider.getPayment(state.providerReference);
    if (!out.ok && out.code === 'not_found') {
      const res = await this.unknownAtProvider(state);
      this.log.warn(
        { paymentId, providerReference: state.providerReference },
        'the provider has no record of the payment; recorded FAILED',
      );
      return res?.outcome === 'appended';
    }
    if (!out.ok) {
      this.log.warn({ paymentId, code: out.code, message: out.message }, 'provider lookup failed; next pass retries');
      return false;
    }
    const p = out.value;
    if (p.status !== 'succeeded' && p.status !== 'failed') return false; // still processing or awaiting 3-D Secure
    const type = p.status === 'succeeded' ? 'payment.succeeded' : 'payment.failed';
    const { outcome, state: now } = await this.payments.applyProviderEvent(state, { type, payment: p }, `reconciled:${p.status}:${p.id}`);
    if (outcome !== 'appended') return false;
    this.log.info({ paymentId, orderId: state.doc.orderId, status: now.status }, 'payment reconciled with the provider');
    return true;
  }

  /**
   * The provider has no record of a payment it once accepted (a sandbox restart; a real provider does
   * not forget): nothing was captured, so it failed — not finally, a later success would still win —
   * and the order is payable again.
   */
  private async unknownAtProvider(state: PaymentState): Promise<AppendResult | null> {
    const res = await this.store.append(
      state.id,
      (s) =>
        isInFlight(s.status)
          ? append({
              status: 'FAILED',
              failureCode: 'PROVIDER_UNAVAILABLE',
              failureMessage: 'The payment provider has no record of this payment',
              sourceEventId: `reconciled:unknown:${state.providerReference}`,
              event: failedEvent,
            })
          : keep,
      state,
    );
    if (res) await this.payments.settled(res.state);
    return res;
  }
}

/**
 * Runs `Reconciler.run` every `intervalMs` for payments in flight longer than `afterMs`; passes never
 * overlap. Returns a stop function that waits for a pass in progress.
 */
export function startReconciler(reconciler: Reconciler, o: { afterMs: number; intervalMs: number }, log: Logger): () => Promise<void> {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout;
  const schedule = () => {
    timer = setTimeout(() => {
      running = reconciler
        .run(new Date(Date.now() - o.afterMs))
        .catch((err: unknown) => log.error({ err }, 'payment reconciliation pass failed'))
        .finally(() => {
          if (!stopped) schedule();
        });
    }, o.intervalMs);
    timer.unref();
  };
  schedule();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
