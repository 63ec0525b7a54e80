import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBroker, waitFor, type NatsInstance } from '@shop/harness';
import { SIGNATURE_HEADER, signWebhookPayload } from '@shop/payment/provider';
import {
  CancelOrderDocument,
  CheckoutDocument,
  CreateCartDocument,
  OrderPaymentsDocument,
  PayOrderDocument,
  ProductDocument,
  RefundPaymentDocument,
} from './__generated__/operations.js';
import { bearer, PSP_API_KEY, PSP_WEBHOOK_SECRET, startStack, type Stack, type TypedCall } from './support/stack.js';

// Own nats-server: the consumers use the production durable names (see order.e2e.ts).
let nats: NatsInstance;
let stack: Stack;
let admin: Record<string, string>;
let olga: Record<string, string>;
let bob: Record<string, string>;

const gql: TypedCall = (doc, variables, headers) => stack.gql(doc, variables, headers);

const address = { name: 'Olga', line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'DE' };
const stock = async (id: string) => (await gql(ProductDocument, { id }, admin)).data!.product!.availability.available;

async function newProduct(price = 1000, initialStock = 50): Promise<string> {
  return (await stack.createProduct({ price, initialStock })).id;
}

/** Cart → checkout as `who`; returns the order id and total. */
async function placeOrder(productId: string, quantity = 1, who = olga) {
  const cart = (await gql(CreateCartDocument, { input: { lines: [{ productId, quantity }] } }, who)).data!.createCart.cart!;
  const res = await gql(
    CheckoutDocument,
    { input: { cartId: cart.id, email: 'olga@example.com', shippingAddress: address, idempotencyKey: randomUUID() } },
    who,
  );
  const order = res.data!.checkout.order!;
  expect(order.status).toBe('PENDING_PAYMENT');
  return { id: order.id, total: order.total.amount };
}

const pay = (orderId: string, paymentToken: string, idempotencyKey: string = randomUUID(), who = olga) =>
  gql(PayOrderDocument, { input: { orderId, paymentToken, idempotencyKey } }, who);
const payments = async (id: string, who = olga) => (await gql(OrderPaymentsDocument, { id }, who)).data!.order!;
const waitForOrder = (id: string, what: string, probe: (o: Awaited<ReturnType<typeof payments>>) => boolean) =>
  waitFor(`order ${id}: ${what}`, async () => {
    const o = await payments(id, admin);
    return probe(o) ? o : undefined;
  });

async function psp<T = any>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${stack.psp.url}${path}`, { ...init, headers: { authorization: `Bearer ${PSP_API_KEY}`, ...init.headers } });
  expect(res.ok, `${path}: ${res.status}`).toBe(true);
  return (await res.json()) as T;
}
/** The provider's webhook events of one of its payments (pay_…), with their deliveries. */
const pspEvents = (pspPaymentId: string) =>
  psp<{ events: { id: string; type: string; deliveries: { state: string }[] }[] }>(`/v1/test/events?paymentId=${pspPaymentId}`).then(
    (r) => r.events,
  );

beforeAll(async () => {
  nats = await startBroker('test');
  stack = await startStack(inject('mongoUrl'), nats.url);
  admin = bearer(await stack.token('ada', 'admin'));
  olga = bearer(await stack.token('olga', 'customer'));
  bob = bearer(await stack.token('bob', 'customer'));
});
afterAll(async () => {
  await stack?.close();
  await nats?.stop();
});

describe('payOrder through the gateway', () => {
  it('cart → checkout → payOrder(tok_visa) → PAID, stock reduced by exactly the quantities', async () => {
    const mug = await newProduct(1250, 20);
    const order = await placeOrder(mug, 3);
    expect(await stock(mug)).toBe(17);
    const res = await pay(order.id, 'tok_visa');
    expect(res.errors).toBeUndefined();
    expect(res.data!.payOrder.userErrors).toEqual([]);
    const payment = res.data!.payOrder.payment!;
    expect(payment).toMatchObject({
      status: 'PENDING',
      provider: 'sandbox',
      amount: { amount: order.total, currency: 'USD' },
      order: { id: order.id },
    });
    const paid = await waitForOrder(order.id, 'PAID', (o) => o.status === 'PAID');
    expect(paid.paymentStatus).toBe('SUCCEEDED');
    expect(paid.payments.map((p) => [p.id, p.status])).toEqual([[payment.id, 'SUCCEEDED']]);
    expect(paid.payments[0]!.providerReference).toMatch(/^pay_/);
    expect(await stock(mug)).toBe(17);
  });

  it('tok_declined then tok_visa: one FAILED and one SUCCEEDED payment, the order PAID', async () => {
    const order = await placeOrder(await newProduct());
    const declined = (await pay(order.id, 'tok_declined')).data!.payOrder;
    expect(declined.userErrors.map((e) => e.code)).toEqual(['CARD_DECLINED']);
    expect(declined.payment).toMatchObject({ status: 'FAILED', failureCode: 'CARD_DECLINED' });
    expect((await payments(order.id)).status).toBe('PENDING_PAYMENT');
    const poor = (await pay(order.id, 'tok_insufficient_funds')).data!.payOrder;
    expect(poor.userErrors.map((e) => e.code)).toEqual(['INSUFFICIENT_FUNDS']);
    expect((await pay(order.id, 'tok_visa')).data!.payOrder.userErrors).toEqual([]);
    const paid = await waitForOrder(order.id, 'PAID', (o) => o.status === 'PAID');
    expect(paid.payments.map((p) => p.status)).toEqual(['FAILED', 'FAILED', 'SUCCEEDED']);
  });

  it('tok_3ds: REQUIRES_ACTION with nextActionUrl; completing it at the sandbox → SUCCEEDED, PAID', async () => {
    const order = await placeOrder(await newProduct());
    const payment = (await pay(order.id, 'tok_3ds')).data!.payOrder.payment!;
    expect(payment.status).toBe('REQUIRES_ACTION');
    expect(payment.nextActionUrl).toMatch(/\/v1\/actions\/.+\/complete$/);
    expect((await payments(order.id)).paymentStatus).toBe('REQUIRES_ACTION');
    expect((await fetch(payment.nextActionUrl!)).status).toBe(200);
    const paid = await waitForOrder(order.id, 'PAID', (o) => o.status === 'PAID');
    expect(paid.payments[0]).toMatchObject({ id: payment.id, status: 'SUCCEEDED', nextActionUrl: null });
  });

  it('tok_processing_error: the provider answers 503 once; the retry with the same key succeeds', async () => {
    const order = await placeOrder(await newProduct());
    const res = (await pay(order.id, 'tok_processing_error')).data!.payOrder;
    expect(res.userErrors).toEqual([]);
    await waitForOrder(order.id, 'PAID', (o) => o.status === 'PAID');
    const charges = await psp(`/v1/test/charges?reference=${res.payment!.id}`);
    expect(charges).toMatchObject({ charges: 1, succeeded: 1 });
  });

  it('two concurrent payOrder with one key: one payment, one charge; another key meanwhile: PAYMENT_IN_PROGRESS', async () => {
    const order = await placeOrder(await newProduct());
    const key = randomUUID();
    const both = await Promise.all([pay(order.id, 'tok_3ds', key), pay(order.id, 'tok_3ds', key), pay(order.id, 'tok_3ds', key)]);
    const ids = new Set(both.map((r) => r.data!.payOrder.payment!.id));
    expect(ids.size).toBe(1);
    const [paymentId] = [...ids];
    expect(await psp(`/v1/test/charges?reference=${paymentId}`)).toMatchObject({ charges: 1 });
    const other = (await pay(order.id, 'tok_visa')).data!.payOrder;
    expect(other.userErrors.map((e) => e.code)).toEqual(['PAYMENT_IN_PROGRESS']);
    expect(other.payment).toBeNull();
    // the same key once more still answers with the same payment
    expect((await pay(order.id, 'tok_3ds', key)).data!.payOrder.payment!.id).toBe(paymentId);
    expect((await payments(order.id)).payments).toHaveLength(1);
    expect(await psp(`/v1/test/charges?reference=${paymentId}`)).toMatchObject({ charges: 1 });
  });

  it('concurrent payOrder with different keys: exactly one proceeds, the others get PAYMENT_IN_PROGRESS', async () => {
    const order = await placeOrder(await newProduct());
    const all = await Promise.all(Array.from({ length: 6 }, () => pay(order.id, 'tok_3ds')));
    const created = all.filter((r) => r.data!.payOrder.payment);
    expect(created).toHaveLength(1);
    expect(all.filter((r) => r.data!.payOrder.userErrors[0]?.code === 'PAYMENT_IN_PROGRESS')).toHaveLength(5);
    expect((await payments(order.id)).payments).toHaveLength(1);
  });
});

describe('webhooks', () => {
  it('duplicate and out-of-order webhooks keep the state right; forged and stale signatures are refused', async () => {
    const order = await placeOrder(await newProduct());
    const paymentId = (await pay(order.id, 'tok_visa')).data!.payOrder.payment!.id;
    const paid = await waitForOrder(order.id, 'PAID', (o) => o.status === 'PAID');
    const pspId = paid.payments[0]!.providerReference!;
    const [succeeded] = await pspEvents(pspId);
    expect(succeeded!.type).toBe('payment.succeeded');

    // a partial refund, then the old payment.succeeded again (a duplicate, now out of order)
    const refund = (await gql(RefundPaymentDocument, { paymentId, amount: 100 }, admin)).data!.refundPayment;
    expect(refund.userErrors).toEqual([]);
    expect(refund.payment).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedAmount: { amount: 100 } });
    await psp(`/v1/test/webhooks/${succeeded!.id}/resend`, { method: 'POST' });
    await waitFor('the resent webhook and the refund webhook acknowledged', async () => {
      const events = await pspEvents(pspId);
      const delivered = events.flatMap((e) => e.deliveries).filter((d) => d.state === 'delivered');
      return events.length === 2 && delivered.length === 3;
    });
    // the refund webhook duplicates the refund the API call recorded; the resend changes nothing
    const after = await payments(order.id, admin);
    expect(after.payments).toEqual([
      expect.objectContaining({ id: paymentId, status: 'PARTIALLY_REFUNDED', refundedAmount: { amount: 100, currency: 'USD' } }),
    ]);
    expect(after.timeline.filter((t) => t.status === 'PAID' && !t.note?.startsWith('Refunded'))).toHaveLength(1);
    await waitForOrder(order.id, 'one refund note', (o) => o.timeline.filter((t) => t.note?.startsWith('Refunded')).length === 1);

    // forged: a payment.failed for this payment, signed with the wrong secret → 401, nothing changes
    const body = JSON.stringify({
      id: `evt_forged_${randomUUID()}`,
      type: 'payment.failed',
      created: Math.floor(Date.now() / 1000),
      data: {
        payment: {
          id: pspId,
          reference: paymentId,
          status: 'failed',
          amount: order.total,
          amountRefunded: 0,
          failureCode: 'card_declined',
        },
      },
    });
    const post = (signature: string | null) =>
      fetch(stack.payment.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature ? { [SIGNATURE_HEADER]: signature } : {}) },
        body,
      });
    expect((await post(signWebhookPayload('not-the-secret-at-all', body))).status).toBe(401);
    expect((await post(signWebhookPayload(PSP_WEBHOOK_SECRET, body, Math.floor(Date.now() / 1000) - 3600))).status).toBe(401);
    expect((await post(null)).status).toBe(401);
    expect((await post(signWebhookPayload(PSP_WEBHOOK_SECRET, `${body} `))).status).toBe(401);
    const still = await payments(order.id, admin);
    expect(still.payments.map((p) => p.status)).toEqual(['PARTIALLY_REFUNDED']);
    expect(still.status).toBe('PAID');
  });
});

describe('refunds', () => {
  it('refundPayment: partial, then the rest; above what is left → REFUND_EXCEEDS_PAYMENT, nothing changed', async () => {
    const order = await placeOrder(await newProduct(2000));
    const paymentId = (await pay(order.id, 'tok_visa')).data!.payOrder.payment!.id;
    await waitForOrder(order.id, 'PAID', (o) => o.status === 'PAID');
    const first = (await gql(RefundPaymentDocument, { paymentId, amount: 500 }, admin)).data!.refundPayment;
    expect(first.payment).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedAmount: { amount: 500 } });
    const tooMuch = (await gql(RefundPaymentDocument, { paymentId, amount: order.total }, admin)).data!.refundPayment;
    expect(tooMuch.userErrors.map((e) => e.code)).toEqual(['REFUND_EXCEEDS_PAYMENT']);
    expect(tooMuch.payment).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedAmount: { amount: 500 } });
    const rest = (await gql(RefundPaymentDocument, { paymentId }, admin)).data!.refundPayment;
    expect(rest.payment).toMatchObject({ status: 'REFUNDED', refundedAmount: { amount: order.total } });
    const again = (await gql(RefundPaymentDocument, { paymentId }, admin)).data!.refundPayment;
    expect(again.userErrors.map((e) => e.code)).toEqual(['PAYMENT_NOT_REFUNDABLE']);
    expect(await psp(`/v1/test/charges?reference=${paymentId}`)).toMatchObject({ amountRefunded: order.total });
  });

  it('cancelling a paid order refunds it in full and returns the stock', async () => {
    const mug = await newProduct(900, 10);
    const order = await placeOrder(mug, 2);
    await pay(order.id, 'tok_visa');
    await waitForOrder(order.id, 'PAID', (o) => o.status === 'PAID');
    expect(await stock(mug)).toBe(8);
    const cancelled = (await gql(CancelOrderDocument, { id: order.id }, olga)).data!.cancelOrder;
    expect(cancelled.userErrors).toEqual([]);
    const done = await waitForOrder(order.id, 'REFUNDED', (o) => o.paymentStatus === 'REFUNDED');
    expect(done.status).toBe('CANCELLED');
    expect(done.payments[0]!.refundedAmount.amount).toBe(order.total);
    await waitFor('stock back', async () => (await stock(mug)) === 10);
  });

  it('tok_webhook_delayed paid and the order cancelled before the webhook: the payment is refunded', async () => {
    const mug = await newProduct(700, 10);
    const order = await placeOrder(mug);
    const payment = (await pay(order.id, 'tok_webhook_delayed')).data!.payOrder.payment!;
    expect(payment.status).toBe('PENDING');
    expect((await gql(CancelOrderDocument, { id: order.id }, olga)).data!.cancelOrder.userErrors).toEqual([]);
    const done = await waitForOrder(order.id, 'the late payment refunded', (o) => o.paymentStatus === 'REFUNDED');
    expect(done.status).toBe('CANCELLED');
    expect(done.payments[0]).toMatchObject({ id: payment.id, refundedAmount: { amount: order.total } });
    expect(await psp(`/v1/test/charges?reference=${payment.id}`)).toMatchObject({ charges: 1, amountRefunded: order.total });
    await waitFor('stock back', async () => (await stock(mug)) === 10);
  });
});

describe('bad input', () => {
  it('wrong ids, other people’s orders, bad tokens, unpayable orders → clear errors, nothing changed', async () => {
    const order = await placeOrder(await newProduct());
    const malformed = await pay('not-a-uuid', 'tok_visa');
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await pay(randomUUID(), 'tok_visa')).data!.payOrder.userErrors.map((e) => e.code)).toEqual(['ORDER_NOT_FOUND']);
    expect((await pay(order.id, 'tok_visa', randomUUID(), bob)).data!.payOrder.userErrors.map((e) => e.code)).toEqual(['ORDER_NOT_FOUND']);
    expect((await pay(order.id, 'tok_visa', randomUUID(), {})).data!.payOrder.userErrors.map((e) => e.code)).toEqual(['ORDER_NOT_FOUND']);
    expect((await pay(order.id, 'tok_visa', '')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const invalid = (await pay(order.id, 'tok_nonsense')).data!.payOrder;
    expect(invalid.userErrors.map((e) => e.code)).toEqual(['INVALID_PAYMENT_TOKEN']);
    expect(invalid.payment!.status).toBe('FAILED');
    expect((await payments(order.id)).status).toBe('PENDING_PAYMENT');

    const payment = (await pay(order.id, 'tok_visa')).data!.payOrder.payment!;
    await waitForOrder(order.id, 'PAID', (o) => o.status === 'PAID');
    expect((await pay(order.id, 'tok_visa')).data!.payOrder.userErrors.map((e) => e.code)).toEqual(['ORDER_NOT_PAYABLE']);

    expect((await gql(RefundPaymentDocument, { paymentId: payment.id }, olga)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql(RefundPaymentDocument, { paymentId: payment.id }, {})).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql(RefundPaymentDocument, { paymentId: payment.id, amount: -5 }, admin)).errors?.[0]?.extensions?.code).toBe(
      'BAD_USER_INPUT',
    );
    expect((await gql(RefundPaymentDocument, { paymentId: payment.id, amount: 0 }, admin)).errors?.[0]?.extensions?.code).toBe(
      'BAD_USER_INPUT',
    );
    expect((await gql(RefundPaymentDocument, { paymentId: 'nope' }, admin)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(
      (await gql(RefundPaymentDocument, { paymentId: randomUUID() }, admin)).data!.refundPayment.userErrors.map((e) => e.code),
    ).toEqual(['PAYMENT_NOT_FOUND']);
    const failed = (await payments(order.id, admin)).payments.find((p) => p.status === 'FAILED')!;
    expect((await gql(RefundPaymentDocument, { paymentId: failed.id }, admin)).data!.refundPayment.userErrors.map((e) => e.code)).toEqual([
      'PAYMENT_NOT_REFUNDABLE',
    ]);
    const over = (await gql(RefundPaymentDocument, { paymentId: payment.id, amount: order.total + 1 }, admin)).data!.refundPayment;
    expect(over.userErrors.map((e) => e.code)).toEqual(['REFUND_EXCEEDS_PAYMENT']);
    const unchanged = await payments(order.id, admin);
    expect(unchanged.payments.map((p) => [p.status, p.refundedAmount.amount])).toEqual([
      ['FAILED', 0],
      ['SUCCEEDED', 0],
    ]);
    expect(await psp(`/v1/test/charges?reference=${payment.id}`)).toMatchObject({ amountRefunded: 0 });
    // Order.payments follows the order's access rule: someone else's order is null as a whole
    expect((await gql(OrderPaymentsDocument, { id: order.id }, bob)).data!.order).toBeNull();
  });
});
