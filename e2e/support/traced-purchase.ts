import { randomBytes, randomUUID } from 'node:crypto';
import { CheckoutDocument, CreateCartDocument, CreateProductDocument, PayOrderDocument } from '../__generated__/operations.js';
import { gatewayOperation } from './client.js';
import type { System } from './system.js';

export interface TracedPurchase {
  /** The trace id of the client's `traceparent`, sent with both the checkout and the payment ('' with `shareTrace: false`: none was sent). */
  traceId: string;
  order: { id: string; number: string };
  /** The buyer's address: the invoice email goes to it. */
  email: string;
}

/**
 * One purchase of a new product through the system's gateway (an admin creates it, a buyer
 * checks out and pays with tok_visa), as a client that propagates one `traceparent` for the whole
 * purchase (an instrumented client does): checkout and payment then continue one trace. With
 * `shareTrace: false` it sends no `traceparent`, as Apollo Sandbox or GraphiQL do: each operation
 * starts a trace of its own at the gateway. With `sampled: false` every operation says "not sampled"
 * (flag 00), as a client whose own sampler left the purchase out.
 */
export async function tracedPurchase(
  system: Pick<System, 'gatewayUrl' | 'bearer'>,
  tag: string,
  { shareTrace = true, sampled = true }: { shareTrace?: boolean; sampled?: boolean } = {},
): Promise<TracedPurchase> {
  const { gatewayUrl } = system;
  // A client that says "not sampled" says it on every operation of the purchase, the admin's included.
  const unsampled = (): Record<string, string> =>
    sampled ? {} : { traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00` };
  const admin = { ...(await system.bearer(`${tag}-admin`, 'admin')), ...unsampled() };
  const buyer = { ...(await system.bearer(`${tag}-buyer`, 'customer')), ...unsampled() };
  const sku = `${tag.slice(0, 3).toUpperCase()}-${randomUUID().slice(0, 8).toUpperCase()}`;
  const input = { sku, name: `${tag} mug`, description: `e2e ${tag}`, price: 900, categorySlugs: [], initialStock: 5 };
  const productId = (await gatewayOperation(gatewayUrl, CreateProductDocument, { input }, admin)).createProduct.product!.id;
  const cart = (await gatewayOperation(gatewayUrl, CreateCartDocument, { input: { lines: [{ productId, quantity: 1 }] } }, buyer))
    .createCart.cart!;

  // The client's own span of the purchase: both operations carry it, so the system continues one trace.
  const traceId = randomBytes(16).toString('hex');
  const traced = shareTrace ? { ...buyer, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-${sampled ? '01' : '00'}` } : buyer;
  const address = { name: 'Tia', line1: '1 Span Street', city: 'Leeds', postalCode: 'LS1 4AP', country: 'GB' };
  const email = `${tag}-${randomUUID().slice(0, 8)}@example.com`;
  const checkoutInput = { cartId: cart.id, email, shippingAddress: address, idempotencyKey: randomUUID() };
  const order = (await gatewayOperation(gatewayUrl, CheckoutDocument, { input: checkoutInput }, traced)).checkout.order!;
  const paid = await gatewayOperation(
    gatewayUrl,
    PayOrderDocument,
    { input: { orderId: order.id, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
    traced,
  );
  if (paid.payOrder.userErrors.length) throw new Error(`payOrder refused: ${JSON.stringify(paid.payOrder.userErrors)}`);
  return { traceId: shareTrace ? traceId : '', order: { id: order.id, number: order.number }, email };
}
