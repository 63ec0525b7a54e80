import type { Payment as PspPayment, Refund as PspRefund } from './provider/contract.js';
import { backoffDelay, dependencyCall, type Logger } from '@shop/kit';

/**
 * The boundary to the payment provider (docs/design.md §5): an interface the payment logic codes
 * against, and the HTTP adapter for the provider's REST API (its wire types in `provider/contract.ts`;
 * the sandbox that stands in for it: sandboxes/payment/README.md).
 */

export type ProviderPayment = PspPayment;

export interface CreateRequest {
  /** The provider's `Idempotency-Key`: the same on every retry of one payment. */
  idempotencyKey: string;
  amount: number;
  currency: string;
  token: string;
  /** Our payment id, echoed back in webhooks. */
  reference: string;
  /** The order paid, sent as `metadata.orderId` (what an operator searches by at the provider). */
  orderId: string;
  webhookUrl: string;
}

export interface RefundRequest {
  idempotencyKey: string;
  providerReference: string;
  /** Omitted: everything left. */
  amount?: number;
}

/** Outcomes the caller acts on; `unavailable` after the retries ran out. */
export type ProviderOutcome<T> =
  { ok: true; value: T } | { ok: false; kind: 'invalid_token' | 'rejected' | 'unavailable'; code: string; message: string };

export interface PaymentProvider {
  readonly name: string;
  createPayment(req: CreateRequest): Promise<ProviderOutcome<ProviderPayment>>;
  refund(req: RefundRequest): Promise<ProviderOutcome<{ refund: PspRefund; payment: ProviderPayment }>>;
  /** The payment as the provider has it now (`GET /v1/payments/:id`): what reconciliation reads. */
  getPayment(providerReference: string): Promise<ProviderOutcome<ProviderPayment>>;
  /**
   * The payments the provider made with our `reference` (`GET /v1/payments?reference=`), oldest first:
   * how we learn what a create call that was never answered did. Empty: nothing was charged.
   */
  findPayments(reference: string): Promise<ProviderOutcome<ProviderPayment[]>>;
}

export interface HttpProviderOptions {
  url: string;
  apiKey: string;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  log: Logger;
}

/**
 * The sandbox over HTTP. A transient failure (HTTP 5xx, timeout, refused connection) is retried with the
 * SAME Idempotency-Key after a growing delay (base × 2^(n−1)), at most `maxAttempts` calls in all, so a
 * retry can never become a second charge.
 */
export class HttpPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox';

  constructor(private readonly o: HttpProviderOptions) {}

  createPayment(req: CreateRequest) {
    return this.request<ProviderPayment>('POST', '/v1/payments', req.idempotencyKey, {
      amount: req.amount,
      currency: req.currency,
      token: req.token,
      reference: req.reference,
      metadata: { orderId: req.orderId },
      webhookUrl: req.webhookUrl,
    });
  }

  refund(req: RefundRequest) {
    return this.request<{ refund: PspRefund; payment: ProviderPayment }>(
      'POST',
      `/v1/payments/${encodeURIComponent(req.providerReference)}/refunds`,
      req.idempotencyKey,
      req.amount === undefined ? {} : { amount: req.amount },
      (body) => {
        const b = body as PspRefund & { payment: ProviderPayment };
        const { payment, ...refund } = b;
        return { refund, payment };
      },
    );
  }

  getPayment(providerReference: string) {
    return this.request<ProviderPayment>('GET', `/v1/payments/${encodeURIComponent(providerReference)}`);
  }

  findPayments(reference: string) {
    return this.request<ProviderPayment[]>(
      'GET',
      `/v1/payments?reference=${encodeURIComponent(reference)}`,
      undefined,
      undefined,
      (body) => {
        const data = (body as { data?: unknown }).data;
        if (!Array.isArray(data)) throw new Error('the provider answered a payment search without `data`');
        return data as ProviderPayment[];
      },
    );
  }

  /** One call with retries; a POST carries its Idempotency-Key and JSON body, a GET neither. */
  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    idempotencyKey?: string,
    body?: unknown,
    map: (body: unknown) => T = (b) => b as T,
  ): Promise<ProviderOutcome<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.o.apiKey}` };
    if (method === 'POST') Object.assign(headers, { 'content-type': 'application/json', 'idempotency-key': idempotencyKey ?? '' });
    let last = 'no attempt';
    for (let attempt = 1; attempt <= this.o.maxAttempts; attempt++) {
      if (attempt > 1) await new Promise((r) => setTimeout(r, backoffDelay(attempt - 2, { baseMs: this.o.retryBaseMs })));
      let res: Response;
      try {
        res = await dependencyCall(
          'payment-provider',
          `${method} ${routeOf(path)}`,
          () =>
            fetch(`${this.o.url}${path}`, {
              method,
              headers,
              ...(method === 'POST' ? { body: JSON.stringify(body) } : {}),
              signal: AbortSignal.timeout(this.o.timeoutMs),
            }),
          (r) => r.status >= 500,
        );
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
        this.o.log.warn({ path, attempt, err: last }, 'payment provider unreachable; retrying with the same key');
        continue;
      }
      const json = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
      if (res.ok && json) return { ok: true, value: map(json) };
      const code = json?.error?.code ?? `http_${res.status}`;
      const message = json?.error?.message ?? `HTTP ${res.status}`;
      if (res.status >= 500) {
        last = `${code}: ${message}`;
        this.o.log.warn({ path, attempt, status: res.status, code }, 'payment provider failed transiently; retrying with the same key');
        continue;
      }
      if (code === 'invalid_token') return { ok: false, kind: 'invalid_token', code, message };
      this.o.log.warn({ path, status: res.status, code, message }, 'payment provider refused the request');
      return { ok: false, kind: 'rejected', code, message };
    }
    return { ok: false, kind: 'unavailable', code: 'unavailable', message: last };
  }
}

/** The metric label of a provider path: its first two segments (`/v1/payments`), never an id or a query. */
export const routeOf = (path: string): string => path.split('?')[0]!.split('/').slice(0, 3).join('/');
