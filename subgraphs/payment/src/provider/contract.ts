/**
 * The payment provider's wire format: the REST API's payments and refunds and the webhook bodies, as the
 * provider documents them. The payment service codes against it (`provider.ts`, `webhook.ts`); the
 * payment sandbox implements it (`@shop/payment/provider`, sandboxes/payment/README.md).
 */

/**
 * `processing`: accepted, settles asynchronously (webhook `payment.succeeded`).
 * `requires_action`: the shopper must open `nextActionUrl` (3-D Secure) first.
 * `succeeded` and `failed` are final; refunds do not change the status (see `amountRefunded`).
 */
export type PaymentStatus = 'processing' | 'requires_action' | 'succeeded' | 'failed';

export type FailureCode = 'card_declined' | 'insufficient_funds' | 'authentication_failed';

export interface Refund {
  id: string;
  amount: number;
  status: 'succeeded';
  /** Unix seconds. */
  created: number;
}

export interface Payment {
  id: string;
  status: PaymentStatus;
  /** Integer minor units. */
  amount: number;
  currency: string;
  /** The merchant's own id for this payment, as sent. */
  reference: string;
  metadata: Record<string, string>;
  /** Sum of `refunds`; never above `amount`. */
  amountRefunded: number;
  refunds: Refund[];
  /** Unix seconds. */
  created: number;
  /** Present while `requires_action`: the page that completes 3-D Secure. */
  nextActionUrl?: string;
  failureCode?: FailureCode;
  failureMessage?: string;
}

export type WebhookEventType = 'payment.succeeded' | 'payment.failed' | 'payment.refunded';

/** `payment` is the payment as it was when the event happened; `refund` only on `payment.refunded`. */
export interface PaymentEventData {
  payment: Payment;
  refund?: Refund;
}

/** The JSON body of every webhook. `id` is stable across retries and resends: dedupe on it. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  /** Unix seconds. */
  created: number;
  data: PaymentEventData;
}

/** The body of every error response. */
export interface ApiErrorBody {
  error: { code: string; message: string; param?: string };
}
