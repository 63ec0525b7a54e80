/**
 * The trace context a payment was created in, echoed on its webhooks (docs/design.md §11): the
 * `traceparent` (and `tracestate`) headers of the create call are kept per payment and sent back on every
 * webhook about it, so the merchant's webhook handling continues the payment's trace. Headers, not the
 * body: a retried create with the same Idempotency-Key from another trace must still be a replay.
 * Format-checked; carries no authority (the webhook signature does).
 */
const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;
const TRACESTATE = /^[\x20-\x7e]{1,512}$/;
/** Bounded like any per-payment memory of a stand-in: the oldest entries go first. */
const MAX = 10_000;

export type TraceHeaders = Record<string, string>;

export class TraceEcho {
  private readonly byPayment = new Map<string, TraceHeaders>();

  remember(paymentId: string, header: (name: string) => string | undefined): void {
    const traceparent = header('traceparent');
    if (!traceparent || !TRACEPARENT.test(traceparent) || this.byPayment.has(paymentId)) return;
    const tracestate = header('tracestate');
    this.byPayment.set(paymentId, { traceparent, ...(tracestate && TRACESTATE.test(tracestate) ? { tracestate } : {}) });
    if (this.byPayment.size > MAX) this.byPayment.delete(this.byPayment.keys().next().value!);
  }

  headersFor(paymentId: string): TraceHeaders {
    return this.byPayment.get(paymentId) ?? {};
  }
}
