import { randomBytes } from 'node:crypto';
import type { Timers } from './timers.js';
import type { TokenBehaviour } from './tokens.js';
import type { FailureCode, Payment, PaymentEventData, Refund, WebhookEventType } from '@shop/payment/provider';

export interface LedgerOptions {
  settleDelayMs: number;
  webhookDelayMs: number;
  /** Base URL for `nextActionUrl`, known once the server listens. */
  publicUrl: () => string;
  /** Sends a webhook for a state change, after `delayMs`; a `lost` one is recorded as dropped, never sent. */
  notify: (type: WebhookEventType, data: PaymentEventData, url: string, how: { delayMs?: number; lost: boolean }) => void;
  /**
   * Saves the books after a change no request makes (settlement). Changes a request makes are saved by
   * its handler, once, together with its idempotency record (api.ts, actions.ts).
   */
  commit: () => void;
}

export interface NewPayment {
  amount: number;
  currency: string;
  reference: string;
  metadata: Record<string, string>;
  webhookUrl: string;
  behaviour: TokenBehaviour;
}

export type ActionResult = 'completed' | 'already_completed' | 'not_found' | 'not_pending';

export type RefundResult =
  | { ok: true; refund: Refund; payment: Payment }
  | { ok: false; code: 'not_found' | 'payment_not_refundable' | 'refund_exceeds_payment'; message: string };

/** Which payments a charge summary counts: by merchant reference, and/or by metadata values. */
export interface ChargeFilter {
  reference?: string | undefined;
  metadata?: Record<string, string>;
}

export interface ChargeSummary {
  reference: string | null;
  metadata: Record<string, string>;
  /** Payments created for the reference: each is one attempt to charge the card. */
  charges: number;
  succeeded: number;
  amountCaptured: number;
  amountRefunded: number;
  payments: Array<Pick<Payment, 'id' | 'status' | 'amount' | 'amountRefunded'>>;
}

/** One payment as the provider keeps it: what the books file holds (books.ts). */
export interface Entry {
  payment: Payment;
  webhookUrl: string;
  delayWebhook: boolean;
  /** `tok_webhook_lost`: every webhook of this payment is dropped (only `GET` tells how it ended). */
  loseWebhooks: boolean;
  action?: 'pending' | 'completed' | 'failed';
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The provider's books: payments, their asynchronous settlement and refunds. Every method is
 * synchronous, so a request handler can check idempotency, act, record the response and commit without
 * another request interleaving. Returned payments are copies: later changes never alter a stored response.
 */
export class PaymentLedger {
  private readonly entries = new Map<string, Entry>();

  /** `saved`: the entries of the books file, oldest first (settlement resumes in `resume`). */
  constructor(
    private readonly opts: LedgerOptions,
    private readonly timers: Timers,
    saved: readonly Entry[] = [],
  ) {
    for (const entry of saved) this.entries.set(entry.payment.id, structuredClone(entry));
  }

  /** Settles the payments that were still `processing` when the books were saved (a restart); once, when the sandbox starts. */
  resume(): void {
    for (const entry of this.entries.values()) if (entry.payment.status === 'processing') this.scheduleSettlement(entry);
  }

  /** Every entry, oldest first, as the books file stores them. */
  snapshot(): Entry[] {
    return structuredClone([...this.entries.values()]);
  }

  create(input: NewPayment): Payment {
    const payment: Payment = {
      id: id('pay'),
      status: 'processing',
      amount: input.amount,
      currency: input.currency,
      reference: input.reference,
      metadata: { ...input.metadata },
      amountRefunded: 0,
      refunds: [],
      created: nowSeconds(),
    };
    const b = input.behaviour;
    const entry: Entry = {
      payment,
      webhookUrl: input.webhookUrl,
      delayWebhook: b.outcome === 'succeed' && b.delayWebhook === true,
      loseWebhooks: b.outcome === 'succeed' && b.loseWebhooks === true,
    };
    this.entries.set(payment.id, entry);
    if (b.outcome === 'fail') {
      this.fail(entry, b.failureCode, b.failureMessage);
    } else if (b.outcome === 'requires_action') {
      payment.status = 'requires_action';
      payment.nextActionUrl = `${this.opts.publicUrl()}/v1/actions/${payment.id}/complete`;
      entry.action = 'pending';
    } else {
      this.scheduleSettlement(entry);
    }
    return structuredClone(payment);
  }

  get(paymentId: string): Payment | undefined {
    const entry = this.entries.get(paymentId);
    return entry && structuredClone(entry.payment);
  }

  /** Every payment made with this merchant reference, oldest first. */
  byReference(reference: string): Payment[] {
    return [...this.entries.values()].filter((e) => e.payment.reference === reference).map((e) => structuredClone(e.payment));
  }

  /** The shopper passed 3-D Secure: the payment goes on to settle like any other. Repeating is harmless. */
  completeAction(paymentId: string): ActionResult {
    const entry = this.entries.get(paymentId);
    if (!entry?.action) return 'not_found';
    if (entry.action === 'completed') return 'already_completed';
    if (entry.action === 'failed') return 'not_pending';
    entry.action = 'completed';
    entry.payment.status = 'processing';
    delete entry.payment.nextActionUrl;
    this.scheduleSettlement(entry);
    return 'completed';
  }

  /** The shopper failed (or abandoned) 3-D Secure. */
  failAction(paymentId: string): ActionResult {
    const entry = this.entries.get(paymentId);
    if (!entry?.action) return 'not_found';
    if (entry.action === 'failed') return 'already_completed';
    if (entry.action === 'completed') return 'not_pending';
    entry.action = 'failed';
    delete entry.payment.nextActionUrl;
    this.fail(entry, 'authentication_failed', 'The cardholder did not complete authentication.');
    return 'completed';
  }

  /** Refunds `amount` (default: all that is left) of a succeeded payment; never more than is left. */
  refund(paymentId: string, amount: number | undefined): RefundResult {
    const entry = this.entries.get(paymentId);
    if (!entry) return { ok: false, code: 'not_found', message: `No payment ${paymentId}` };
    const { payment } = entry;
    if (payment.status !== 'succeeded') {
      return { ok: false, code: 'payment_not_refundable', message: `A ${payment.status} payment cannot be refunded` };
    }
    const left = payment.amount - payment.amountRefunded;
    if (left === 0) return { ok: false, code: 'payment_not_refundable', message: 'The payment is already refunded in full' };
    const value = amount ?? left;
    if (value > left) {
      return {
        ok: false,
        code: 'refund_exceeds_payment',
        message: `Only ${left} of ${payment.amount} ${payment.currency} is left to refund`,
      };
    }
    const refund: Refund = { id: id('re'), amount: value, status: 'succeeded', created: nowSeconds() };
    payment.refunds.push(refund);
    payment.amountRefunded += value;
    this.opts.notify('payment.refunded', { payment, refund }, entry.webhookUrl, { lost: entry.loseWebhooks });
    return { ok: true, refund: structuredClone(refund), payment: structuredClone(payment) };
  }

  charges({ reference, metadata = {} }: ChargeFilter): ChargeSummary {
    const payments = [...this.entries.values()]
      .map((e) => e.payment)
      .filter(
        (p) => (reference === undefined || p.reference === reference) && Object.entries(metadata).every(([k, v]) => p.metadata[k] === v),
      );
    const succeeded = payments.filter((p) => p.status === 'succeeded');
    return {
      reference: reference ?? null,
      metadata,
      charges: payments.length,
      succeeded: succeeded.length,
      amountCaptured: succeeded.reduce((sum, p) => sum + p.amount, 0),
      amountRefunded: succeeded.reduce((sum, p) => sum + p.amountRefunded, 0),
      payments: payments.map(({ id: pid, status, amount, amountRefunded }) => ({ id: pid, status, amount, amountRefunded })),
    };
  }

  private fail(entry: Entry, code: FailureCode, message: string): void {
    Object.assign(entry.payment, { status: 'failed', failureCode: code, failureMessage: message });
    this.opts.notify('payment.failed', { payment: entry.payment }, entry.webhookUrl, { lost: entry.loseWebhooks });
  }

  /**
   * Settles after `settleDelayMs`. `tok_webhook_delayed` settles as fast, but its webhook leaves
   * `webhookDelayMs` after the payment was created: the provider knows, the merchant hears late.
   */
  private scheduleSettlement(entry: Entry): void {
    const { settleDelayMs, webhookDelayMs } = this.opts;
    this.timers.after(settleDelayMs, () => {
      if (entry.payment.status !== 'processing') return;
      entry.payment.status = 'succeeded';
      this.opts.commit();
      const hold = entry.delayWebhook ? Math.max(0, webhookDelayMs - settleDelayMs) : 0;
      this.opts.notify('payment.succeeded', { payment: entry.payment }, entry.webhookUrl, { delayMs: hold, lost: entry.loseWebhooks });
    });
  }
}
