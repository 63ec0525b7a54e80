import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@shop/harness';
import { SIGNATURE_HEADER, signWebhookPayload } from '@shop/payment/provider';
import { eventsOf, gql, pay, placeOrder, PSP_WEBHOOK_SECRET, startServices, type Services } from './helpers.js';

let s: Services;
beforeAll(async () => {
  s = await startServices();
});
afterAll(() => s?.close());

const post = (body: string, signature: string | null) =>
  fetch(s.payment.webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { [SIGNATURE_HEADER]: signature } : {}) },
    body,
  });
const signed = (body: string) => post(body, signWebhookPayload(PSP_WEBHOOK_SECRET, body));
const state = (paymentId: string) => s.payment.store.get(paymentId);
const orderStatus = async (orderId: string) => (await s.order.store.get(orderId))!.status;

/** A webhook body as the provider would send it for our payment. */
function webhook(
  type: string,
  p: { id: string; reference: string; amount: number },
  extra: Record<string, unknown> = {},
  refund?: { id: string; amount: number },
) {
  return JSON.stringify({
    id: `evt_${randomUUID()}`,
    type,
    created: Math.floor(Date.now() / 1000),
    data: {
      payment: {
        id: p.id,
        reference: p.reference,
        status: 'succeeded',
        amount: p.amount,
        currency: 'USD',
        amountRefunded: 0,
        refunds: [],
        metadata: {},
        created: 0,
        ...extra,
      },
      ...(refund ? { refund: { ...refund, status: 'succeeded', created: 0 } } : {}),
    },
  });
}

describe('the webhook endpoint', () => {
  it('checks the signature before reading the body: unsigned, forged or stale → 401, even for garbage', async () => {
    expect((await post('{not json', null)).status).toBe(401);
    expect((await post('{not json', signWebhookPayload('some-other-secret-value', '{not json'))).status).toBe(401);
    expect((await post('{not json', signWebhookPayload(PSP_WEBHOOK_SECRET, '{not json', Math.floor(Date.now() / 1000) - 301))).status).toBe(
      401,
    );
    expect((await post('{not json', signWebhookPayload(PSP_WEBHOOK_SECRET, '{not json', Math.floor(Date.now() / 1000) + 400))).status).toBe(
      401,
    );
    // only a verified body is parsed
    expect((await signed('{not json')).status).toBe(400);
  });

  it('applies refunded-before-succeeded once, in the right order; duplicates change nothing', async () => {
    const order = await placeOrder(s);
    const { payment } = await pay(s, order.id, 'tok_3ds'); // stays REQUIRES_ACTION at the provider
    expect(payment!.status).toBe('REQUIRES_ACTION');
    const p = { id: payment!.providerReference!, reference: payment!.id, amount: order.total };
    const refunded = webhook('payment.refunded', p, { amountRefunded: 300 }, { id: `re_${randomUUID()}`, amount: 300 });
    const succeeded = webhook('payment.succeeded', p);
    expect((await signed(refunded)).status).toBe(200);
    expect((await signed(succeeded)).status).toBe(200);
    // duplicates, concurrently
    const again = await Promise.all([signed(refunded), signed(succeeded), signed(refunded), signed(succeeded)]);
    expect(again.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const now = (await state(payment!.id))!;
    expect(now.records.map((r) => [r.status, r.refundedAmount])).toEqual([
      ['REQUIRES_ACTION', 0],
      ['SUCCEEDED', 0],
      ['PARTIALLY_REFUNDED', 300],
    ]);
    await waitFor('order PAID', async () => (await orderStatus(order.id)) === 'PAID');
    await waitFor('events published', async () => (await eventsOf(s, 'shop.payment.refunded.v1', order.id)).length === 1);
    expect(await eventsOf(s, 'shop.payment.succeeded.v1', order.id)).toHaveLength(1);
    expect(await s.payment.store.m.Slot.exists({ _id: order.id })).toBeNull();
  });

  it('ignores a payment.succeeded after the provider failed the payment', async () => {
    const order = await placeOrder(s);
    const { payment, userErrors } = await pay(s, order.id, 'tok_declined');
    expect(userErrors.map((e) => e.code)).toEqual(['CARD_DECLINED']);
    const res = await signed(
      webhook('payment.succeeded', { id: payment!.providerReference!, reference: payment!.id, amount: order.total }),
    );
    expect(res.status).toBe(200);
    expect((await state(payment!.id))!.status).toBe('FAILED');
    await waitFor('payment.failed published', async () => (await eventsOf(s, 'shop.payment.failed.v1', order.id)).length === 1);
    expect(await eventsOf(s, 'shop.payment.succeeded.v1', order.id)).toEqual([]);
    expect(await orderStatus(order.id)).toBe('PENDING_PAYMENT');
  });

  it('refunds in full a payment that succeeds after its order was cancelled', async () => {
    const order = await placeOrder(s);
    const { payment } = await pay(s, order.id, 'tok_3ds');
    await gql(s.order.url, `mutation ($id: ID!) { cancelOrder(id: $id) { userErrors { code } } }`, { id: order.id });
    await waitFor('payment saw the cancellation', () => s.payment.store.isOrderCancelled(order.id));
    expect((await fetch(payment!.nextActionUrl!)).status).toBe(200); // the shopper completes 3-D Secure anyway
    const done = await waitFor('refunded', async () => {
      const st = await state(payment!.id);
      return st?.status === 'REFUNDED' ? st : undefined;
    });
    expect(done.refundedAmount).toBe(order.total);
    expect(await orderStatus(order.id)).toBe('CANCELLED');
    await waitFor('one payment.refunded', async () => (await eventsOf(s, 'shop.payment.refunded.v1', order.id)).length === 1);
    expect(await eventsOf(s, 'shop.payment.succeeded.v1', order.id)).toHaveLength(1);
  });

  it('publishes payment.succeeded exactly once for a tok_visa payment, whatever the provider resends', async () => {
    const order = await placeOrder(s);
    const { payment } = await pay(s, order.id, 'tok_visa');
    await waitFor('order PAID', async () => (await orderStatus(order.id)) === 'PAID');
    const res = await fetch(`${s.psp.url}/v1/test/events?paymentId=${payment!.providerReference}`, {
      headers: { authorization: 'Bearer test-only-psp-api-key-0123456789' },
    });
    const [evt] = ((await res.json()) as { events: { id: string }[] }).events;
    for (let i = 0; i < 3; i++)
      await fetch(`${s.psp.url}/v1/test/webhooks/${evt!.id}/resend`, {
        method: 'POST',
        headers: { authorization: 'Bearer test-only-psp-api-key-0123456789' },
      });
    await waitFor('resends acknowledged', async () => {
      const r = await fetch(`${s.psp.url}/v1/test/events/${evt!.id}`, {
        headers: { authorization: 'Bearer test-only-psp-api-key-0123456789' },
      });
      const e = (await r.json()) as { deliveries: { state: string }[] };
      return e.deliveries.length === 4 && e.deliveries.every((d) => d.state === 'delivered');
    });
    await s.paymentEvents.relay.flush();
    expect(await eventsOf(s, 'shop.payment.succeeded.v1', order.id)).toHaveLength(1);
    expect((await state(payment!.id))!.records.map((r) => r.status)).toEqual(['PENDING', 'SUCCEEDED']);
  });
});
