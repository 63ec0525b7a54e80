import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@shop/harness';
import { verifyWebhookSignature } from '@shop/payment/provider';
import type { RunningSandbox } from '@shop/payment-sandbox';
import { WEBHOOK_SECRET, apiClient, newReference, startReceiver, startTestSandbox, type ApiClient, type Receiver } from './helpers.js';

let sandbox: RunningSandbox;
let receiver: Receiver;
let api: ApiClient;

beforeAll(async () => {
  receiver = await startReceiver();
  // Three attempts, so a receiver that never acknowledges exhausts them quickly.
  sandbox = await startTestSandbox({ SANDBOX_WEBHOOK_MAX_ATTEMPTS: '3', PSP_WEBHOOK_URL: receiver.url('/configured') });
  api = apiClient(sandbox.url);
});

afterAll(async () => {
  await sandbox?.close();
  await receiver?.close();
});

const pay = async (path: string | undefined, token = 'tok_visa') => {
  const res = await api.createPayment({
    amount: 1000,
    currency: 'USD',
    token,
    reference: newReference('hook'),
    ...(path ? { webhookUrl: receiver.url(path) } : {}),
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; reference: string };
};

describe('webhooks', () => {
  it('are signed over the raw body with a fresh timestamp: the helper accepts them, and refuses another secret', async () => {
    const payment = await pay('/ok');
    const [hook] = await receiver.waitFor(payment.id, 'payment.succeeded');
    const header = String(hook!.headers['sandbox-signature']);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(Math.abs(Number(/t=(\d+)/.exec(header)![1]) - Date.now() / 1000)).toBeLessThan(10);
    expect(hook!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(hook!.raw)).toEqual({
      id: hook!.event.id,
      type: 'payment.succeeded',
      created: expect.any(Number),
      data: { payment: expect.any(Object) },
    });
    expect(verifyWebhookSignature(WEBHOOK_SECRET, header, hook!.raw)).toMatchObject({ ok: true });
    expect(verifyWebhookSignature('not-the-webhook-secret-at-all', header, hook!.raw)).toEqual({ ok: false, reason: 'bad signature' });
    expect(verifyWebhookSignature(WEBHOOK_SECRET, header, hook!.raw.replace('"succeeded"', '"failed"'))).toEqual({
      ok: false,
      reason: 'bad signature',
    });
    expect(verifyWebhookSignature(WEBHOOK_SECRET, header, hook!.raw, { now: Date.now() + 301_000 })).toEqual({
      ok: false,
      reason: 'timestamp too old',
    });
  });

  it('go to PSP_WEBHOOK_URL when the payment names no webhookUrl', async () => {
    const payment = await pay(undefined);
    const [hook] = await receiver.waitFor(payment.id, 'payment.succeeded');
    expect(hook!.path).toBe('/configured');
  });

  it('are retried until acknowledged: 500 twice, then 200 → three deliveries of one event, then no more', async () => {
    const payment = await pay('/flaky/2');
    const hooks = await receiver.waitFor(payment.id, 'payment.succeeded', 3);
    expect(hooks.map((h) => h.status)).toEqual([500, 500, 200]);
    expect(new Set(hooks.map((h) => h.event.id)).size).toBe(1);
    expect(new Set(hooks.map((h) => h.raw)).size).toBe(1);
    expect(hooks.map((h) => h.headers['sandbox-delivery-attempt'])).toEqual(['1', '2', '3']);
    for (const h of hooks) expect(verifyWebhookSignature(WEBHOOK_SECRET, h.headers['sandbox-signature'], h.raw).ok).toBe(true);

    const { body } = await api.events(payment.id);
    expect(body.events).toHaveLength(1);
    expect(body.events[0].deliveries).toEqual([
      {
        number: 1,
        state: 'delivered',
        attempts: [
          expect.objectContaining({ status: 500 }),
          expect.objectContaining({ status: 500 }),
          expect.objectContaining({ status: 200 }),
        ],
      },
    ]);
    expect(receiver.forPayment(payment.id)).toHaveLength(3);
  });

  it('are dropped after the last attempt when never acknowledged', async () => {
    const payment = await pay('/down');
    await receiver.waitFor(payment.id, 'payment.succeeded', 3);
    const delivery = await waitFor('the delivery to be dropped', async () => {
      const d = (await api.events(payment.id)).body.events[0]?.deliveries[0];
      return d?.state === 'dropped' ? d : undefined;
    });
    expect(delivery.attempts).toHaveLength(3);
    expect(receiver.forPayment(payment.id)).toHaveLength(3);
  });

  it('are retried when the receiver cannot be reached at all', async () => {
    const closed = await startReceiver();
    const url = closed.url('/ok');
    await closed.close();
    const res = await api.createPayment({
      amount: 1000,
      currency: 'USD',
      token: 'tok_declined',
      reference: newReference('gone'),
      webhookUrl: url,
    });
    const delivery = await waitFor('the delivery to be dropped', async () => {
      const d = (await api.events(res.body.id)).body.events[0]?.deliveries[0];
      return d?.state === 'dropped' ? d : undefined;
    });
    expect(delivery.attempts).toHaveLength(3);
    expect(delivery.attempts[0]).toMatchObject({ error: expect.any(String) });
    expect(delivery.attempts[0].status).toBeUndefined();
  });

  it('tok_webhook_lost: the payment succeeds (GET says so) but none of its webhooks is ever sent', async () => {
    const payment = await pay('/ok', 'tok_webhook_lost');
    await waitFor('settled', async () => (await api.call('GET', `/v1/payments/${payment.id}`)).body.status === 'succeeded');
    expect((await api.refund(payment.id, { amount: 400 })).status).toBe(201);
    const { events } = (await api.events(payment.id)).body as { events: { type: string; deliveries: unknown[] }[] };
    expect(events.map((e) => [e.type, e.deliveries])).toEqual([
      ['payment.succeeded', [{ number: 1, state: 'dropped', attempts: [] }]],
      ['payment.refunded', [{ number: 1, state: 'dropped', attempts: [] }]],
    ]);
    expect(receiver.forPayment(payment.id)).toEqual([]);
  });

  it('can be resent (a duplicate with the same id and body), through the test route', async () => {
    const payment = await pay('/ok', 'tok_declined');
    const [original] = await receiver.waitFor(payment.id, 'payment.failed');
    const resend = await api.call('POST', `/v1/test/webhooks/${original!.event.id}/resend`);
    expect(resend.status).toBe(202);
    expect(resend.body).toEqual({ eventId: original!.event.id, delivery: 2 });
    const both = await receiver.waitFor(payment.id, 'payment.failed', 2);
    expect(both[1]!.event.id).toBe(original!.event.id);
    expect(both[1]!.raw).toBe(original!.raw);
    expect(verifyWebhookSignature(WEBHOOK_SECRET, both[1]!.headers['sandbox-signature'], both[1]!.raw).ok).toBe(true);

    const missing = await api.call('POST', '/v1/test/webhooks/evt_000000000000000000000000/resend');
    expect(missing.status).toBe(404);
  });

  it('keep the payment as it was when the event happened', async () => {
    const payment = await pay('/ok');
    await receiver.waitFor(payment.id, 'payment.succeeded');
    expect((await api.refund(payment.id, { amount: 400 })).status).toBe(201);
    const [refunded] = await receiver.waitFor(payment.id, 'payment.refunded');
    const [succeeded] = receiver.forPayment(payment.id, 'payment.succeeded');
    expect(succeeded!.event.data.payment.amountRefunded).toBe(0);
    expect(refunded!.event.data.payment.amountRefunded).toBe(400);
    const shown = await api.call('GET', `/v1/test/events/${refunded!.event.id}`);
    expect(shown.body.event).toEqual(refunded!.event);
  });
});
