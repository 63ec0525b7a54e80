import { Router, type Response } from 'express';
import { ApiError, idempotencyKeyHeader, parseBody } from '@shop/sandbox-kit';
import { requestFingerprint, type IdempotencyStore } from './idempotency.js';
import type { PaymentLedger } from './payments.js';
import type { TraceEcho } from './trace-echo.js';
import { createPaymentBody, refundBody } from './schemas.js';
import { TEST_TOKENS, tokenBehaviour } from './tokens.js';

export interface ApiDeps {
  ledger: PaymentLedger;
  idempotency: IdempotencyStore;
  defaultWebhookUrl: string | undefined;
  /** How late `tok_timeout_then_capture`'s create calls are answered. */
  slowAnswerMs: number;
  /** Saves the books: called once per request that changed them, after its idempotency record, before the answer. */
  commit: () => void;
  /** Keeps the create call's trace context for the payment's webhooks (none: not echoed). */
  traces?: TraceEcho;
}

const TOKENS = Object.keys(TEST_TOKENS).join(', ');

/** How long to hold the answer to a create call: `tok_timeout_then_capture` is answered late, every time. */
function holdFor(body: unknown, slowAnswerMs: number): number {
  const token = (body as { token?: unknown } | null)?.token;
  const behaviour = typeof token === 'string' ? tokenBehaviour(token) : undefined;
  return behaviour?.outcome === 'succeed' && behaviour.slowAnswer === true ? slowAnswerMs : 0;
}

/** Sends after `holdMs`; a client that gives up first (a timeout) gets nothing, and nothing stays pending. */
function send(res: Response, status: number, body: unknown, holdMs: number, headers: Record<string, string> = {}): void {
  const write = () => {
    if (!res.writableEnded && !res.destroyed) res.status(status).set(headers).json(body);
  };
  if (holdMs === 0) return write();
  const timer = setTimeout(write, holdMs);
  res.once('close', () => clearTimeout(timer));
}

/**
 * `/v1/payments…`, behind the API key. Handlers are synchronous from the idempotency lookup to the
 * save and the commit, so two concurrent requests with one key act once and get the same response, and
 * the change and its idempotency record reach the books file in one write.
 */
export function paymentRoutes({ ledger, idempotency, defaultWebhookUrl, slowAnswerMs, commit, traces }: ApiDeps): Router {
  const router = Router();
  /** Keys whose one `tok_processing_error` 503 was served. Not an idempotency record: nothing was done. */
  const transientErrorServed = new Set<string>();

  /** Answers from the store when the key was used before; true when the request is handled. */
  const replayed = (res: Response, key: string, fingerprint: string, holdMs = 0): boolean => {
    const found = idempotency.lookup(key, fingerprint);
    if (found.kind === 'new') return false;
    if (found.kind === 'conflict') {
      throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request');
    }
    send(res, found.response.status, found.response.body, holdMs, { 'idempotent-replayed': 'true' });
    return true;
  };

  const respond = (res: Response, key: string, fingerprint: string, status: number, body: unknown, holdMs = 0): void => {
    idempotency.save(key, fingerprint, { status, body });
    commit();
    send(res, status, body, holdMs);
  };

  router.post('/payments', (req, res) => {
    const key = idempotencyKeyHeader(req.header('idempotency-key'));
    const fingerprint = requestFingerprint('POST', '/v1/payments', req.body);
    const holdMs = holdFor(req.body, slowAnswerMs);
    if (replayed(res, key, fingerprint, holdMs)) return;
    const body = parseBody(createPaymentBody, req.body);
    const behaviour = tokenBehaviour(body.token);
    if (!behaviour) throw new ApiError(400, 'invalid_token', `The token is not a sandbox test token (${TOKENS})`, 'token');
    const webhookUrl = body.webhookUrl ?? defaultWebhookUrl;
    if (!webhookUrl) throw new ApiError(400, 'invalid_request', 'webhookUrl: is required (no PSP_WEBHOOK_URL is configured)', 'webhookUrl');
    if (behaviour.outcome === 'succeed' && behaviour.failOnceWith503 && !transientErrorServed.has(key)) {
      transientErrorServed.add(key);
      throw new ApiError(503, 'processing_error', 'Temporary processing error; retry with the same Idempotency-Key');
    }
    const payment = ledger.create({
      amount: body.amount,
      currency: body.currency,
      reference: body.reference,
      metadata: body.metadata ?? {},
      webhookUrl,
      behaviour,
    });
    traces?.remember(payment.id, (name) => req.header(name));
    respond(res, key, fingerprint, 201, payment, holdMs);
  });

  /** The payments made with a merchant reference, oldest first: how a merchant learns the outcome of a create call that was never answered. */
  router.get('/payments', (req, res) => {
    const reference = req.query.reference;
    if (typeof reference !== 'string' || reference === '')
      throw new ApiError(400, 'invalid_request', 'reference: is required', 'reference');
    res.json({ data: ledger.byReference(reference) });
  });

  router.get('/payments/:id', (req, res) => {
    const payment = ledger.get(req.params.id);
    if (!payment) throw new ApiError(404, 'not_found', `No payment ${req.params.id}`);
    res.json(payment);
  });

  router.post('/payments/:id/refunds', (req, res) => {
    const key = idempotencyKeyHeader(req.header('idempotency-key'));
    // No body means "refund what is left".
    const raw: unknown = req.body ?? {};
    const fingerprint = requestFingerprint('POST', `/v1/payments/${req.params.id}/refunds`, raw);
    if (replayed(res, key, fingerprint)) return;
    const body = parseBody(refundBody, raw);
    const result = ledger.refund(req.params.id, body.amount);
    if (!result.ok)
      throw new ApiError(
        result.code === 'not_found' ? 404 : 422,
        result.code,
        result.message,
        result.code === 'refund_exceeds_payment' ? 'amount' : undefined,
      );
    respond(res, key, fingerprint, 201, { ...result.refund, payment: result.payment });
  });

  return router;
}
