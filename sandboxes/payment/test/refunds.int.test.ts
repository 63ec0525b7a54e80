import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '@shop/payment-sandbox';
import { apiClient, newReference, startReceiver, startTestSandbox, waitForStatus, type ApiClient, type Receiver } from './helpers.js';

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

async function paid(amount = 5000, token = 'tok_visa') {
  const res = await api.createPayment({
    amount,
    currency: 'EUR',
    token,
    reference: newReference('refund'),
    webhookUrl: receiver.url('/ok'),
  });
  expect(res.status).toBe(201);
  if (token === 'tok_visa') await waitForStatus(api, res.body.id, 'succeeded');
  return res.body as { id: string; reference: string };
}

describe('refunds', () => {
  it('refunds in full by default and sends payment.refunded', async () => {
    const payment = await paid();
    const res = await api.refund(payment.id, undefined);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.stringMatching(/^re_[0-9a-f]{24}$/), amount: 5000, status: 'succeeded' });
    expect(res.body.payment).toMatchObject({
      id: payment.id,
      status: 'succeeded',
      amountRefunded: 5000,
      refunds: [{ id: res.body.id, amount: 5000 }],
    });
    const [hook] = await receiver.waitFor(payment.id, 'payment.refunded');
    expect(hook!.event.data).toMatchObject({ refund: { id: res.body.id, amount: 5000 }, payment: { amountRefunded: 5000 } });
    expect((await api.charges(payment.reference)).body).toMatchObject({ amountCaptured: 5000, amountRefunded: 5000 });
    const again = await api.refund(payment.id, { amount: 1 });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('payment_not_refundable');
  });

  it('refunds partially, never above what is left', async () => {
    const payment = await paid();
    expect((await api.refund(payment.id, { amount: 1500 })).body.payment.amountRefunded).toBe(1500);
    expect((await api.refund(payment.id, { amount: 2500 })).body.payment.amountRefunded).toBe(4000);
    const over = await api.refund(payment.id, { amount: 1001 });
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({ code: 'refund_exceeds_payment', param: 'amount', message: expect.stringContaining('1000') });
    expect((await api.getPayment(payment.id)).body.amountRefunded).toBe(4000);
    const rest = await api.refund(payment.id, { amount: 1000 });
    expect(rest.body.payment.amountRefunded).toBe(5000);
    const hooks = await receiver.waitFor(payment.id, 'payment.refunded', 3);
    expect(hooks.map((h) => h.event.data.refund?.amount).sort()).toEqual([1000, 1500, 2500]);
  });

  it('one Idempotency-Key refunds once, however often it is sent, and not for another amount or payment', async () => {
    const payment = await paid();
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 5 }, () => api.refund(payment.id, { amount: 700 }, key)));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect((await api.getPayment(payment.id)).body).toMatchObject({ amountRefunded: 700, refunds: [{ amount: 700 }] });
    expect((await api.refund(payment.id, { amount: 800 }, key)).body.error.code).toBe('idempotency_key_reused');
    const other = await paid();
    expect((await api.refund(other.id, { amount: 700 }, key)).body.error.code).toBe('idempotency_key_reused');
  });

  it('refuses payments that never succeeded, unknown payments and bad amounts', async () => {
    const declined = await paid(5000, 'tok_declined');
    expect((await api.refund(declined.id, { amount: 100 })).body.error.code).toBe('payment_not_refundable');
    const pending = await paid(5000, 'tok_3ds');
    expect((await api.refund(pending.id, undefined)).body.error.code).toBe('payment_not_refundable');
    const unknown = await api.refund('pay_000000000000000000000000', { amount: 1 });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const payment = await paid();
    for (const amount of [0, -1, 1.5, '100']) {
      const res = await api.refund(payment.id, { amount });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_request', param: 'amount' });
    }
    const noKey = await api.call('POST', `/v1/payments/${payment.id}/refunds`, { body: { amount: 1 } });
    expect(noKey.body.error.code).toBe('idempotency_key_missing');
    expect((await api.getPayment(payment.id)).body.amountRefunded).toBe(0);
  });
});
