import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@shop/harness';
import { eventsOf, pay, placeOrder, sandboxGet, startServices, type Services } from './helpers.js';

/**
 * A create call the provider never answered: `tok_timeout_then_capture` charges the card at once, but its
 * answer (every replay too) comes long after `PSP_TIMEOUT_MS` and none of its webhooks is sent. payOrder
 * answers FAILED `PROVIDER_UNAVAILABLE` — a guess — and only the reconciler, asking the provider, can
 * learn that the money was captured.
 */

let s: Services;
beforeAll(async () => {
  s = await startServices({
    payment: { PSP_TIMEOUT_MS: '1000', PSP_MAX_ATTEMPTS: '2', PAYMENT_RECONCILE_AFTER: '2s', PAYMENT_RECONCILE_INTERVAL: '200ms' },
    sandbox: { SANDBOX_SLOW_ANSWER_MS: '60000' },
  });
});
afterAll(() => s?.close());

const paymentsOf = async (orderId: string) => (await s.payment.store.ofOrders([orderId])).get(orderId) ?? [];
const orderStatus = async (orderId: string) => (await s.order.store.get(orderId))!.status;
const charges = (orderId: string) =>
  sandboxGet<{ charges: number; succeeded: number; amountCaptured: number; amountRefunded: number }>(
    s,
    `/test/charges?metadata.orderId=${orderId}`,
  );

/** payOrder with `tok_timeout_then_capture`: our answer is the guess, the provider has the money. */
async function payTimingOut(orderId: string) {
  const res = await pay(s, orderId, 'tok_timeout_then_capture');
  expect(res.userErrors.map((e) => e.code)).toEqual(['PROVIDER_UNAVAILABLE']);
  expect(res.payment).toMatchObject({ status: 'FAILED', providerReference: null });
  await waitFor('captured at the provider', async () => (await charges(orderId)).succeeded === 1);
  return res.payment!;
}

describe('payments whose create call was never answered', () => {
  it('learns the provider captured it: the payment ends SUCCEEDED and the order PAID', async () => {
    const order = await placeOrder(s);
    const first = await payTimingOut(order.id);

    const done = await waitFor(
      'payment SUCCEEDED',
      async () => {
        const st = (await paymentsOf(order.id)).find((p) => p.id === first.id);
        return st?.status === 'SUCCEEDED' ? st : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(done.providerReference).toMatch(/^pay_/);
    await waitFor('order PAID', async () => (await orderStatus(order.id)) === 'PAID');
    expect(await charges(order.id)).toMatchObject({ charges: 1, succeeded: 1, amountCaptured: order.total, amountRefunded: 0 });
    await s.paymentEvents.relay.flush();
    expect(await eventsOf(s, 'shop.payment.succeeded.v1', order.id)).toHaveLength(1);
    await waitFor('mark forgotten', async () => (await s.payment.store.m.Unknown.exists({ _id: first.id })) === null);
  });

  it('the customer paid again meanwhile: one payment is applied, the other captured one refunded', async () => {
    const order = await placeOrder(s);
    const first = await payTimingOut(order.id);
    const second = await pay(s, order.id, 'tok_visa', randomUUID());
    expect(second.userErrors).toEqual([]);
    await waitFor('order PAID', async () => (await orderStatus(order.id)) === 'PAID');

    const money = await waitFor(
      'the extra capture refunded',
      async () => {
        const c = await charges(order.id);
        return c.amountRefunded > 0 ? c : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(money).toMatchObject({ charges: 2, succeeded: 2 });
    expect(money.amountCaptured - money.amountRefunded).toBe(order.total);
    const ends = await waitFor('both payments settled', async () => {
      const ps = await paymentsOf(order.id);
      const statuses = ps.map((p) => p.status).sort();
      return statuses.join() === 'REFUNDED,SUCCEEDED' ? ps : undefined;
    });
    expect(ends.map((p) => p.id).sort()).toEqual([first.id, second.payment!.id].sort());
    expect(await orderStatus(order.id)).toBe('PAID');
  });

  it('the provider has no such payment (it never got the call): the failure becomes final, nothing charged', async () => {
    const order = await placeOrder(s);
    await s.stopSandbox();
    const res = await pay(s, order.id, 'tok_visa');
    await s.startSandbox();
    expect(res.userErrors.map((e) => e.code)).toEqual(['PROVIDER_UNAVAILABLE']);
    const paymentId = res.payment!.id;

    const final = await waitFor(
      'failure final',
      async () => {
        const st = (await paymentsOf(order.id)).find((p) => p.id === paymentId);
        return st?.providerFinal ? st : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(final).toMatchObject({ status: 'FAILED', failureCode: 'PROVIDER_UNAVAILABLE' });
    // The reconciler appends the final record, then forgets the mark: a reader can come in between.
    await waitFor('mark forgotten', async () => (await s.payment.store.m.Unknown.exists({ _id: paymentId })) === null);
    expect(await charges(order.id)).toMatchObject({ charges: 0 });
    await s.paymentEvents.relay.flush();
    expect(await eventsOf(s, 'shop.payment.failed.v1', order.id)).toHaveLength(1);
    const again = await pay(s, order.id, 'tok_visa');
    expect(again.userErrors).toEqual([]);
    await waitFor('order PAID', async () => (await orderStatus(order.id)) === 'PAID');
  });
});
