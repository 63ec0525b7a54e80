import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '@shop/payment/provider';
import type { RunningSandbox } from '@shop/payment-sandbox';
import {
  API_KEY,
  WEBHOOK_SECRET,
  apiClient,
  newReference,
  startReceiver,
  startTestSandbox,
  waitForStatus,
  type ApiClient,
  type Receiver,
} from './helpers.js';

let sandbox: RunningSandbox;
let receiver: Receiver;
let api: ApiClient;

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startTestSandbox();
  api = apiClient(sandbox.url);
});

afterAll(async () => {
  await sandbox?.close();
  await receiver?.close();
});

const paymentBody = (token: string, reference = newReference(token), extra: Record<string, unknown> = {}) => ({
  amount: 2599,
  currency: 'EUR',
  token,
  reference,
  webhookUrl: receiver.url('/ok'),
  ...extra,
});

describe('test tokens', () => {
  it('tok_visa is processing, then settled by a signed payment.succeeded webhook', async () => {
    const body = paymentBody('tok_visa', undefined, { metadata: { orderId: 'o-1' } });
    const res = await api.createPayment(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'processing', amount: 2599, currency: 'EUR', reference: body.reference, amountRefunded: 0 });
    expect(res.body.id).toMatch(/^pay_[0-9a-f]{24}$/);
    expect(res.body.metadata).toEqual({ orderId: 'o-1' });

    const [hook] = await receiver.waitFor(res.body.id, 'payment.succeeded');
    expect(hook!.event).toMatchObject({
      type: 'payment.succeeded',
      data: { payment: { id: res.body.id, status: 'succeeded', amount: 2599 } },
    });
    expect(hook!.event.id).toMatch(/^evt_[0-9a-f]{24}$/);
    expect(hook!.headers['sandbox-event-id']).toBe(hook!.event.id);
    expect(verifyWebhookSignature(WEBHOOK_SECRET, hook!.headers['sandbox-signature'], hook!.raw)).toMatchObject({ ok: true });
    expect((await api.getPayment(res.body.id)).body).toMatchObject({ id: res.body.id, status: 'succeeded' });
    expect((await api.charges(body.reference)).body).toMatchObject({ charges: 1, succeeded: 1, amountCaptured: 2599 });
  });

  it.each([
    ['tok_declined', 'card_declined'],
    ['tok_insufficient_funds', 'insufficient_funds'],
  ])('%s fails at once with %s and sends payment.failed', async (token, code) => {
    const body = paymentBody(token);
    const res = await api.createPayment(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'failed', failureCode: code, failureMessage: expect.any(String) });
    const [hook] = await receiver.waitFor(res.body.id, 'payment.failed');
    expect(hook!.event.data.payment).toMatchObject({ status: 'failed', failureCode: code });
    expect((await api.getPayment(res.body.id)).body.status).toBe('failed');
    expect((await api.charges(body.reference)).body).toMatchObject({ charges: 1, succeeded: 0, amountCaptured: 0 });
  });

  it('tok_3ds requires action; opening nextActionUrl completes it and the webhook settles it', async () => {
    const res = await api.createPayment(paymentBody('tok_3ds'));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'requires_action', nextActionUrl: `${sandbox.url}/v1/actions/${res.body.id}/complete` });
    expect((await api.getPayment(res.body.id)).body.status).toBe('requires_action');
    expect(receiver.forPayment(res.body.id)).toHaveLength(0);

    // The shopper's browser: no API key.
    const page = await fetch(res.body.nextActionUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('Authentication complete');

    const [hook] = await receiver.waitFor(res.body.id, 'payment.succeeded');
    expect(hook!.event.data.payment).toMatchObject({ id: res.body.id, status: 'succeeded' });
    expect(hook!.event.data.payment.nextActionUrl).toBeUndefined();
    const again = await fetch(res.body.nextActionUrl);
    expect(await again.text()).toContain('already complete');
    expect(receiver.forPayment(res.body.id, 'payment.succeeded')).toHaveLength(1);
  });

  it('tok_3ds whose authentication fails ends failed with payment.failed', async () => {
    const res = await api.createPayment(paymentBody('tok_3ds'));
    const fail = await fetch(String(res.body.nextActionUrl).replace(/\/complete$/, '/fail'));
    expect(fail.status).toBe(200);
    const [hook] = await receiver.waitFor(res.body.id, 'payment.failed');
    expect(hook!.event.data.payment).toMatchObject({ status: 'failed', failureCode: 'authentication_failed' });
    expect((await fetch(res.body.nextActionUrl)).status).toBe(409);
  });

  it('an unknown action URL is a 404 page', async () => {
    const res = await fetch(`${sandbox.url}/v1/actions/pay_000000000000000000000000/complete`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Unknown authentication');
  });

  it('tok_processing_error answers 503 once without recording the key; the retry with that key succeeds, one charge', async () => {
    const body = paymentBody('tok_processing_error');
    const key = randomUUID();
    const first = await api.createPayment(body, key);
    expect(first.status).toBe(503);
    expect(first.body).toEqual({ error: { code: 'processing_error', message: expect.any(String) } });
    expect((await api.charges(body.reference)).body.charges).toBe(0);

    const retry = await api.createPayment(body, key);
    expect(retry.status).toBe(201);
    expect(retry.body.status).toBe('processing');
    await receiver.waitFor(retry.body.id, 'payment.succeeded');

    const third = await api.createPayment(body, key);
    expect(third.status).toBe(201);
    expect(third.headers.get('idempotent-replayed')).toBe('true');
    expect(third.body).toEqual(retry.body);
    expect((await api.charges(body.reference)).body).toMatchObject({ charges: 1, succeeded: 1 });

    // Another key is another request: it gets its own 503 first.
    expect((await api.createPayment(body, randomUUID())).status).toBe(503);
  });

  it('tok_webhook_delayed succeeds at the provider at once but its webhook arrives only after SANDBOX_WEBHOOK_DELAY_MS', async () => {
    const started = Date.now();
    const res = await api.createPayment(paymentBody('tok_webhook_delayed'));
    expect(res.body.status).toBe('processing');
    await waitForStatus(api, res.body.id, 'succeeded');
    expect(receiver.forPayment(res.body.id)).toHaveLength(0);
    const [hook] = await receiver.waitFor(res.body.id, 'payment.succeeded');
    expect(hook!.at - started).toBeGreaterThanOrEqual(800);
  });
  it('tok_timeout_then_capture charges at once but answers no create call in time (replays neither); no webhook is sent', async () => {
    const body = paymentBody('tok_timeout_then_capture');
    const key = randomUUID();
    const post = () =>
      fetch(`${sandbox.url}/v1/payments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(300),
      });
    await expect(post()).rejects.toThrow(/timeout|aborted/i);
    await expect(post()).rejects.toThrow(/timeout|aborted/i);

    const found = await api.call('GET', `/v1/payments?reference=${encodeURIComponent(body.reference)}`);
    expect(found.status).toBe(200);
    expect(found.body.data).toHaveLength(1);
    const [payment] = found.body.data as { id: string; reference: string }[];
    expect(payment!.reference).toBe(body.reference);
    await waitForStatus(api, payment!.id, 'succeeded');
    expect((await api.charges(body.reference)).body).toMatchObject({ charges: 1, succeeded: 1 });
    const { events } = (await api.events(payment!.id)).body as { events: { type: string; deliveries: unknown[] }[] };
    expect(events.map((e) => [e.type, e.deliveries])).toEqual([['payment.succeeded', [{ number: 1, state: 'dropped', attempts: [] }]]]);
  });

  it('GET /v1/payments?reference= lists nothing for a reference never charged, and needs the reference', async () => {
    expect((await api.call('GET', `/v1/payments?reference=${newReference('never')}`)).body).toEqual({ data: [] });
    expect((await api.call('GET', '/v1/payments')).body).toMatchObject({ error: { code: 'invalid_request', param: 'reference' } });
  });
});

describe('idempotency', () => {
  it('the same key and body, concurrently: one payment, one charge, the same response for all', async () => {
    const body = paymentBody('tok_visa');
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 8 }, () => api.createPayment(body, key)));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
    const ids = new Set(responses.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    for (const r of responses) expect(r.body).toEqual(responses[0]!.body);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(7);
    const [id] = [...ids] as string[];
    await receiver.waitFor(id!, 'payment.succeeded');
    expect((await api.charges(body.reference)).body).toMatchObject({ charges: 1, succeeded: 1, amountCaptured: 2599 });
    expect((await api.events(id!)).body.events).toHaveLength(1);
  });

  it('counts charges by metadata as well as by reference', async () => {
    const orderId = randomUUID();
    for (const token of ['tok_visa', 'tok_declined'])
      expect((await api.createPayment({ ...paymentBody(token), metadata: { orderId } })).status).toBe(201);
    const res = await api.call('GET', `/v1/test/charges?metadata.orderId=${orderId}`);
    expect(res.body).toMatchObject({ reference: null, metadata: { orderId }, charges: 2, succeeded: expect.any(Number) });
    expect((await api.call('GET', `/v1/test/charges?metadata.orderId=${randomUUID()}`)).body.charges).toBe(0);
    expect((await api.call('GET', '/v1/test/charges')).status).toBe(400);
  });

  it('replays the original response even after the payment changed, and treats reordered JSON as the same request', async () => {
    const body = paymentBody('tok_visa');
    const key = randomUUID();
    const first = await api.createPayment(body, key);
    await waitForStatus(api, first.body.id, 'succeeded');
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const replay = await api.createPayment(reordered, key);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.body.status).toBe('processing');
  });

  it('the same key with another body is refused with 422 idempotency_key_reused and charges nothing more', async () => {
    const body = paymentBody('tok_visa');
    const key = randomUUID();
    expect((await api.createPayment(body, key)).status).toBe(201);
    const other = await api.createPayment({ ...body, amount: 2600 }, key);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect((await api.createPayment({ ...body, token: 'tok_declined' }, key)).body.error.code).toBe('idempotency_key_reused');
    expect((await api.charges(body.reference)).body.charges).toBe(1);
  });

  it('a refused request is not recorded: fixing it and retrying with the key works', async () => {
    const body = paymentBody('tok_visa');
    const key = randomUUID();
    expect((await api.createPayment({ ...body, amount: -5 }, key)).status).toBe(400);
    const fixed = await api.createPayment(body, key);
    expect(fixed.status).toBe(201);
    expect(fixed.headers.get('idempotent-replayed')).toBeNull();
  });
});
