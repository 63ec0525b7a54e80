import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@shop/harness';
import { eventsOf, gql, pay, placeOrder, sandboxGet, startServices, type Services } from './helpers.js';

/**
 * `tok_webhook_lost`: the provider settles the payment but none of its webhooks ever arrives. Only the
 * reconciler, asking the provider for payments left in flight, can apply the outcome.
 */

let s: Services;
beforeAll(async () => {
  s = await startServices({ payment: { PAYMENT_RECONCILE_AFTER: '2s', PAYMENT_RECONCILE_INTERVAL: '200ms' } });
});
afterAll(() => s?.close());

const stateOf = async (orderId: string) => {
  // The newest payment of the order.
  return ((await s.payment.store.ofOrders([orderId])).get(orderId) ?? []).at(-1);
};
const orderStatus = async (orderId: string) => (await s.order.store.get(orderId))!.status;
const webhookDeliveries = async (providerReference: string) =>
  (
    await sandboxGet<{ events: { deliveries: { state: string; attempts: unknown[] }[] }[] }>(
      s,
      `/test/events?paymentId=${providerReference}`,
    )
  ).events;

describe('reconciling payments whose webhooks never arrive', () => {
  it('applies a success the provider reports: the payment ends SUCCEEDED and the order PAID, one event each', async () => {
    const order = await placeOrder(s);
    const { payment, userErrors } = await pay(s, order.id, 'tok_webhook_lost');
    expect(userErrors).toEqual([]);
    expect(payment!.status).toBe('PENDING');

    await waitFor('payment SUCCEEDED', async () => (await stateOf(order.id))?.status === 'SUCCEEDED', { timeoutMs: 30_000 });
    await waitFor('order PAID', async () => (await orderStatus(order.id)) === 'PAID');
    const events = await webhookDeliveries(payment!.providerReference!);
    expect(events.flatMap((e) => e.deliveries.map((d) => [d.state, d.attempts.length]))).toEqual([['dropped', 0]]);
    await s.paymentEvents.relay.flush();
    expect(await eventsOf(s, 'shop.payment.succeeded.v1', order.id)).toHaveLength(1);
    expect((await stateOf(order.id))!.records.map((r) => r.status)).toEqual(['PENDING', 'SUCCEEDED']);
  });

  it('applies the provider answer once when several replicas reconcile the same payment at the same moment', async () => {
    const order = await placeOrder(s);
    const { payment } = await pay(s, order.id, 'tok_webhook_lost');
    await waitFor(
      'succeeded at the provider',
      async () => (await sandboxGet(s, `/payments/${payment!.providerReference}`)).status === 'succeeded',
    );
    // Eight passes at once (as eight replicas would), racing the timer's own pass.
    const changed = await Promise.all(Array.from({ length: 8 }, () => s.payment.reconciler.reconcile(payment!.id)));
    expect(changed.filter(Boolean).length).toBeLessThanOrEqual(1);
    await waitFor('payment SUCCEEDED', async () => (await stateOf(order.id))?.status === 'SUCCEEDED', { timeoutMs: 30_000 });
    await waitFor('order PAID', async () => (await orderStatus(order.id)) === 'PAID');
    await s.paymentEvents.relay.flush();
    expect(await eventsOf(s, 'shop.payment.succeeded.v1', order.id)).toHaveLength(1);
    expect((await stateOf(order.id))!.records.map((r) => r.status)).toEqual(['PENDING', 'SUCCEEDED']);
    expect(await sandboxGet(s, `/test/charges?metadata.orderId=${order.id}`)).toMatchObject({ charges: 1, amountRefunded: 0 });
  });

  it('refunds a success it learns of after the order was cancelled', async () => {
    const order = await placeOrder(s);
    const { payment } = await pay(s, order.id, 'tok_webhook_lost');
    expect(payment!.status).toBe('PENDING');
    await gql(s.order.url, `mutation ($id: ID!) { cancelOrder(id: $id) { userErrors { code } } }`, { id: order.id });
    await waitFor('payment saw the cancellation', () => s.payment.store.isOrderCancelled(order.id));

    const done = await waitFor(
      'payment REFUNDED',
      async () => {
        const st = await stateOf(order.id);
        return st?.status === 'REFUNDED' ? st : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(done.records.map((r) => r.status)).toEqual(['PENDING', 'SUCCEEDED', 'REFUNDED']);
    expect(await orderStatus(order.id)).toBe('CANCELLED');
    expect(await sandboxGet(s, `/test/charges?reference=${payment!.id}`)).toMatchObject({
      charges: 1,
      succeeded: 1,
      amountCaptured: order.total,
      amountRefunded: order.total,
    });
    await waitFor('one payment.refunded', async () => (await eventsOf(s, 'shop.payment.refunded.v1', order.id)).length === 1);
    expect(await eventsOf(s, 'shop.payment.succeeded.v1', order.id)).toHaveLength(1);
  });

  it('fails a payment the provider forgot (a sandbox restart), so the order can be paid again', async () => {
    const order = await placeOrder(s);
    const { payment } = await pay(s, order.id, 'tok_3ds'); // in flight until the shopper acts
    expect(payment!.status).toBe('REQUIRES_ACTION');
    await s.restartSandbox();

    const failed = await waitFor(
      'payment FAILED',
      async () => {
        const st = await stateOf(order.id);
        return st?.status === 'FAILED' ? st : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(failed.failureCode).toBe('PROVIDER_UNAVAILABLE');
    expect(await s.payment.store.m.Slot.exists({ _id: order.id })).toBeNull();
    const again = await pay(s, order.id, 'tok_visa');
    expect(again.userErrors).toEqual([]);
    await waitFor('order PAID', async () => (await orderStatus(order.id)) === 'PAID');
  });
});
