import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ShopClient } from './client.js';

/**
 * One purchase as a customer makes it: cart → checkout → pay (→ cancel), through the gateway.
 * `webhook-delayed` (the provider holds the webhook back for SANDBOX_WEBHOOK_DELAY_MS) is the purchase
 * in flight when the payment sandbox is killed. The cluster run adds customers who walk away: after
 * checkout (`abandoned-order`, cancelled by the payment-timeout sweeper) or after filling a cart
 * (`abandoned-cart`, expired by the cart sweeper).
 */
export type PurchaseKind =
  'visa' | '3ds' | 'declined-then-visa' | 'cancel-after-paid' | 'webhook-delayed' | 'abandoned-order' | 'abandoned-cart';

const TOKENS: Record<PurchaseKind, string> = {
  visa: 'tok_visa',
  '3ds': 'tok_3ds',
  'declined-then-visa': 'tok_visa',
  'cancel-after-paid': 'tok_visa',
  'webhook-delayed': 'tok_webhook_delayed',
  'abandoned-order': 'none',
  'abandoned-cart': 'none',
};

export interface PurchasePlan {
  index: number;
  kind: PurchaseKind;
  lines: { productId: string; quantity: number }[];
  /** With a phone, order.placed also sends an SMS (messaging README). */
  phone: string | null;
}

export interface PurchaseResult {
  plan: PurchasePlan;
  cartId?: string;
  orderId?: string;
  paymentIds: string[];
  /**
   * `pending`: the provider accepted the payment but the order was not PAID within the customer's
   * patience; the shop owes them either the order or their money back (the money rows check which).
   * `abandoned`: the customer walked away as planned (an abandoned kind); the sweepers finish it.
   */
  outcome: 'paid' | 'cancelled' | 'pending' | 'failed' | 'abandoned';
  /** What the client saw when it gave up. */
  error?: string;
}

export class PurchaseFailed extends Error {}

const CREATE_CART = `mutation ChaosCreateCart($input: CreateCartInput) { createCart(input: $input) { cart { id } userErrors { code message } } }`;
const CHECKOUT = `mutation ChaosCheckout($input: CheckoutInput!) { checkout(input: $input) { order { id status } userErrors { code message } } }`;
const PAY = `mutation ChaosPay($input: PayOrderInput!) { payOrder(input: $input) { payment { id status failureCode nextActionUrl } userErrors { code message } } }`;
const ORDER = `query ChaosOrder($id: ID!) { order(id: $id) { status paymentStatus } }`;
const CANCEL = `mutation ChaosCancel($id: ID!, $reason: String) { cancelOrder(id: $id, reason: $reason) { order { status } userErrors { code message } } }`;

interface UserError {
  code: string;
  message: string;
}
interface Payment {
  id: string;
  status: string;
  failureCode: string | null;
  nextActionUrl: string | null;
}

export interface PurchaseTiming {
  /** How long the customer waits for the order to show PAID before calling it failed. */
  paidWaitMs: number;
  pollMs: number;
}

const ADDRESS = { name: 'Chaos Customer', line1: '1 Loop Lane', city: 'Pune', postalCode: '411001', country: 'IN' };

export async function purchase(client: ShopClient, plan: PurchasePlan, timing: PurchaseTiming): Promise<PurchaseResult> {
  const result: PurchaseResult = { plan, paymentIds: [], outcome: 'failed' };
  try {
    const cart = await client.call<{ createCart: { cart: { id: string } | null; userErrors: UserError[] } }>('createCart', CREATE_CART, {
      input: { lines: plan.lines },
    });
    const cartId = cart.data?.createCart.cart?.id ?? fail('createCart', cart.data?.createCart.userErrors, cart.errors);
    result.cartId = cartId;
    if (plan.kind === 'abandoned-cart') return { ...result, outcome: 'abandoned' };
    const placed = await client.call<{ checkout: { order: { id: string } | null; userErrors: UserError[] } }>('checkout', CHECKOUT, {
      input: {
        cartId,
        email: `buyer-${plan.index}@example.com`,
        ...(plan.phone ? { phone: plan.phone } : {}),
        shippingAddress: ADDRESS,
        idempotencyKey: `chaos-checkout-${plan.index}-${randomUUID()}`,
      },
    });
    const orderId = placed.data?.checkout.order?.id ?? fail('checkout', placed.data?.checkout.userErrors, placed.errors);
    result.orderId = orderId;
    if (plan.kind === 'abandoned-order') return { ...result, outcome: 'abandoned' };
    if (plan.kind === 'declined-then-visa') {
      const declined = await pay(client, orderId, 'tok_declined', result);
      if (declined.status !== 'FAILED') throw new PurchaseFailed(`tok_declined gave payment status ${declined.status}, not FAILED`);
    }
    const payment = await pay(client, orderId, TOKENS[plan.kind], result);
    if (payment.status === 'REQUIRES_ACTION') {
      if (!payment.nextActionUrl) throw new PurchaseFailed('REQUIRES_ACTION without nextActionUrl');
      const status = await client.open('3-D Secure page', `${payment.nextActionUrl.replace(/\/$/, '')}`);
      if (status !== 200) throw new PurchaseFailed(`3-D Secure page answered HTTP ${status}`);
    } else if (payment.status === 'FAILED') {
      throw new PurchaseFailed(`payment FAILED (${payment.failureCode})`);
    }
    const seen = await waitForPaid(client, orderId, timing);
    if (seen.status !== 'PAID') {
      const waited = `order still ${seen.status ?? 'unknown'} (payment ${seen.paymentStatus ?? 'unknown'}) after ${Math.round(timing.paidWaitMs / 1000)} s`;
      if (seen.paymentStatus !== 'PENDING') throw new PurchaseFailed(waited);
      result.outcome = 'pending';
      result.error = waited;
      return result;
    }
    result.outcome = 'paid';
    if (plan.kind === 'cancel-after-paid') {
      const cancelled = await client.call<{ cancelOrder: { order: { status: string } | null; userErrors: UserError[] } }>(
        'cancelOrder',
        CANCEL,
        { id: orderId, reason: 'chaos run: the customer changed their mind' },
      );
      const status = cancelled.data?.cancelOrder.order?.status;
      const refused = cancelled.data?.cancelOrder.userErrors[0];
      // A retried cancel may find its first attempt done: "not cancellable" from a CANCELLED order is success.
      if (status !== 'CANCELLED' && !(refused?.code === 'ORDER_NOT_CANCELLABLE' && (await orderStatus(client, orderId)) === 'CANCELLED'))
        fail('cancelOrder', cancelled.data?.cancelOrder.userErrors, cancelled.errors);
      result.outcome = 'cancelled';
    }
  } catch (err) {
    result.outcome = 'failed';
    result.error = err instanceof Error ? err.message : String(err);
  }
  return result;
}

/**
 * payOrder with a fresh idempotency key. PAYMENT_IN_PROGRESS: wait and ask again; PROVIDER_UNAVAILABLE:
 * the provider did not take it, try again with a new key; ORDER_NOT_PAYABLE on an order already PAID
 * (an earlier attempt whose answer was lost) counts as paid.
 */
async function pay(client: ShopClient, orderId: string, token: string, result: PurchaseResult): Promise<Payment> {
  for (let attempt = 1; ; attempt++) {
    const answer = await client.call<{ payOrder: { payment: Payment | null; userErrors: UserError[] } }>(`payOrder ${token}`, PAY, {
      input: { orderId, paymentToken: token, idempotencyKey: `chaos-pay-${randomUUID()}` },
    });
    const payment = answer.data?.payOrder.payment;
    if (payment) result.paymentIds.push(payment.id);
    const code = answer.data?.payOrder.userErrors[0]?.code;
    if (code === 'CARD_DECLINED' && payment) return payment;
    if (payment && !code) return payment;
    if (code === 'ORDER_NOT_PAYABLE' && (await orderStatus(client, orderId)) === 'PAID')
      return { id: 'earlier', status: 'SUCCEEDED', failureCode: null, nextActionUrl: null };
    if ((code === 'PAYMENT_IN_PROGRESS' || code === 'PROVIDER_UNAVAILABLE') && attempt < 6) {
      await sleep(5_000 * attempt);
      continue;
    }
    return fail(`payOrder ${token}`, answer.data?.payOrder.userErrors, answer.errors);
  }
}

interface OrderState {
  status?: string;
  paymentStatus?: string | null;
}

async function orderState(client: ShopClient, orderId: string): Promise<OrderState> {
  const answer = await client.call<{ order: OrderState | null }>('order', ORDER, { id: orderId });
  return answer.data?.order ?? {};
}

const orderStatus = async (client: ShopClient, orderId: string) => (await orderState(client, orderId)).status;

/** Polls until the order is PAID or the customer's patience ends; returns what was seen last. */
async function waitForPaid(client: ShopClient, orderId: string, timing: PurchaseTiming): Promise<OrderState> {
  const deadline = Date.now() + timing.paidWaitMs;
  for (;;) {
    const seen = await orderState(client, orderId);
    if (seen.status === 'PAID' || Date.now() > deadline) return seen;
    await sleep(timing.pollMs);
  }
}

function fail(step: string, userErrors?: UserError[] | null, errors?: { message: string; extensions?: { code?: string } }[]): never {
  const first = userErrors?.[0] ?? errors?.[0];
  const code = first && 'code' in first ? first.code : first?.extensions?.code;
  throw new PurchaseFailed(`${step}: ${code ?? 'no answer'}${first ? ` ${first.message}` : ''}`);
}
