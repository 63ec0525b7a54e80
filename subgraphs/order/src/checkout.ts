import { randomUUID } from 'node:crypto';
import { annotateSpan, inSpan, userError, type Caller, type Logger, type UserError } from '@shop/kit';
import { mayUse, ownerOfOrder } from './access.js';
import { checkContact, outOfStock, priceOrder, type ContactInput, type OrderState } from './domain.js';
import { placedEvent } from './published-events.js';
import type { OrderDoc } from './model.js';
import type { OrderResult, Orders } from './orders.js';
import { Releases } from './releases.js';
import type { CartView, Services } from './services.js';
import type { OrderStore } from './store.js';

export interface CheckoutInput extends ContactInput {
  cartId: string;
  idempotencyKey: string;
}

export interface CheckoutSettings {
  taxRateBps: number;
  currency: string;
  paymentTimeoutMs: number;
}

/** The product service reserves at most this many lines for one order. */
export const MAX_ORDER_LINES = 100;

const refuse = (...userErrors: UserError[]): OrderResult => ({ order: null, userErrors });
const cartNotFound = () => userError('CART_NOT_FOUND', 'no such cart', ['input', 'cartId']);
const cartTaken = () => userError('CART_NOT_ACTIVE', 'the cart was checked out by another order', ['input', 'cartId']);
/** The timeline note of an order undone because another checkout got its cart first. */
export const CART_LOST_NOTE = 'Cancelled: the cart was checked out by another order';
const cartNotActive = (status: string) =>
  userError('CART_NOT_ACTIVE', `the cart is ${status} and can no longer be checked out`, ['input', 'cartId']);

/**
 * `checkout`, the first step of the saga (docs/design.md §5):
 * 1. the same (cart, idempotencyKey) again → the order written the first time (nothing reserved again);
 * 2. email, phone and address are checked;
 * 3. the cart is read from the cart service: it must be the caller's, ACTIVE and not empty;
 * 4. products and prices are read from the product service: every product still sold, stock enough;
 * 5. stock is reserved for a new order id, all lines or none (OUT_OF_STOCK says what is left);
 * 6. one insert writes the order PENDING_PAYMENT, its number, its idempotency key and its
 *    `order.placed` event (outbox); a failure before it releases the reservation;
 * 7. the cart is marked CHECKED_OUT for this order (idempotent per order). If another checkout got the
 *    cart first, this order is cancelled again (its `order.cancelled` gives the stock back).
 * A release that fails is retried in the background (releases.ts). The product service confirms the
 * reservation when it sees `order.placed` and releases unconfirmed ones after RESERVATION_TTL, so a crash
 * between 5 and 6 leaks nothing. A crash (or a failed cart call) after 6 is completed by retrying with
 * the same key.
 */
export class Checkout {
  /** Gives back the reservations of checkouts that failed before their order was written, retrying in the background. */
  readonly releases: Releases;

  constructor(
    private readonly store: OrderStore,
    private readonly orders: Orders,
    private readonly services: Services,
    private readonly settings: CheckoutSettings,
    private readonly log: Logger,
  ) {
    this.releases = new Releases(
      {
        release: (orderId, reason, requestId) => services.release(orderId, reason, requestId),
        written: (orderId) => store.exists(orderId),
      },
      log,
    );
  }

  /** One span per checkout; the order number on it is what `npm run trace -- <number>` searches for. */
  run(caller: Caller, input: CheckoutInput, requestId: string): Promise<OrderResult> {
    return inSpan('order checkout', { attributes: { 'shop.cart.id': input.cartId } }, () => this.place(caller, input, requestId));
  }

  private async place(caller: Caller, input: CheckoutInput, requestId: string): Promise<OrderResult> {
    const existing = await this.store.byIdempotencyKey(input.cartId, input.idempotencyKey);
    if (existing) return this.resume(caller, existing, requestId);

    const { contact, errors } = checkContact(input);
    if (errors.length) return refuse(...errors);

    const cart = await this.services.cart(input.cartId, requestId);
    if (!cart || !mayUse(caller, { customerId: cart.customerId })) return refuse(cartNotFound());
    if (cart.status !== 'ACTIVE') return refuse(cartNotActive(cart.status));
    if (cart.lines.length === 0) return refuse(userError('CART_EMPTY', 'the cart has no lines', ['input', 'cartId']));
    if (cart.lines.length > MAX_ORDER_LINES)
      return refuse(userError('TOO_MANY_LINES', `an order holds at most ${MAX_ORDER_LINES} products`, ['input', 'cartId']));

    const snapshots = await this.services.products(
      cart.lines.map((l) => l.productId),
      requestId,
    );
    const priced = priceOrder(cart.lines, new Map(snapshots.map((s, i) => [cart.lines[i]!.productId, s])), this.settings.taxRateBps);
    if (!priced.ok) return refuse(...priced.errors);

    const orderId = randomUUID();
    const reservation = await this.services.reserve(orderId, cart.lines, requestId).catch(async (err: unknown) => {
      // A timeout may hide a reservation that was made: give it back (else product's sweeper will).
      await this.releases.giveBack(orderId, 'checkout failed', requestId);
      throw err;
    });
    if (!reservation.ok) return this.refusedReservation(caller, input, cart, reservation, requestId);

    const createdAt = new Date();
    let placed: Awaited<ReturnType<OrderStore['place']>>;
    try {
      await this.store.addDeadline(orderId, new Date(createdAt.getTime() + this.settings.paymentTimeoutMs));
      const order: Omit<OrderDoc, 'number' | 'year' | 'seq' | 'event' | 'publishedAt'> = {
        _id: orderId,
        cartId: input.cartId,
        idempotencyKey: input.idempotencyKey,
        customerId: ownerOfOrder(caller, cart.customerId),
        email: contact.email,
        phone: contact.phone,
        shippingAddress: contact.address,
        lines: priced.lines,
        subtotal: priced.subtotal,
        tax: priced.tax,
        total: priced.total,
        currency: this.settings.currency,
        taxRateBps: this.settings.taxRateBps,
        createdAt,
      };
      placed = await this.store.place(order, (doc) => placedEvent(doc, requestId));
    } catch (err) {
      await this.releases.giveBack(orderId, 'checkout failed', requestId);
      throw err;
    }
    if (!placed.placed) {
      // A concurrent checkout with the same key wrote its order first: ours gives its stock back.
      await this.releases.giveBack(orderId, 'duplicate checkout', requestId);
      return this.resume(caller, placed.state, requestId);
    }
    annotateSpan({ 'shop.order.id': orderId, 'shop.order.number': placed.state.order.number });
    this.log.info({ orderId, number: placed.state.order.number, total: priced.total }, 'order placed');
    return this.markCart(placed.state, requestId);
  }

  /** A checkout repeated with the same key: the same order, and the cart step completed if it was not. */
  private async resume(caller: Caller, order: OrderState, requestId: string): Promise<OrderResult> {
    if (!mayUse(caller, order.order)) return refuse(cartNotFound());
    return this.markCart(order, requestId);
  }

  private async markCart(order: OrderState, requestId: string): Promise<OrderResult> {
    if (order.status === 'CANCELLED') {
      // Nothing left to complete. An order undone because its cart went to another order says so again.
      return order.records.some((r) => r.note === CART_LOST_NOTE) ? refuse(cartTaken()) : { order, userErrors: [] };
    }
    let marked: Awaited<ReturnType<Services['markCartCheckedOut']>> | undefined;
    for (let attempt = 1; !marked; attempt++) {
      try {
        marked = await this.services.markCartCheckedOut(order.order.cartId, order.id, requestId);
      } catch (err) {
        // The order stands; the same checkout (same key) again completes this step.
        if (attempt >= 3) throw err;
        this.log.warn({ err, orderId: order.id, attempt }, 'marking the cart checked out failed; retrying');
      }
    }
    if (marked.userErrors.length === 0) return { order, userErrors: [] };
    // Another checkout (or a merge, or expiry) got the cart after we read it: undo this order.
    this.log.warn(
      { orderId: order.id, cartId: order.order.cartId, errors: marked.userErrors },
      'cart lost to another change; cancelling the order',
    );
    await this.orders.expire(order.id, 'CART_NOT_ACTIVE', CART_LOST_NOTE);
    return refuse(cartNotActive(marked.status ?? 'no longer ACTIVE'));
  }

  private async refusedReservation(
    caller: Caller,
    input: CheckoutInput,
    cart: CartView,
    r: { code: string | null; message: string | null; productId: string | null; available: number | null },
    requestId: string,
  ): Promise<OrderResult> {
    // A concurrent checkout with the same key may have taken the stock for the very same order.
    const existing = await this.store.byIdempotencyKey(input.cartId, input.idempotencyKey);
    if (existing) return this.resume(caller, existing, requestId);
    if (r.code === 'OUT_OF_STOCK' && r.productId) {
      const wanted = cart.lines.find((l) => l.productId === r.productId)?.quantity ?? 0;
      return refuse(outOfStock(r.productId, r.available ?? 0, wanted));
    }
    if (r.code === 'PRODUCT_NOT_FOUND' || r.code === 'PRODUCT_UNAVAILABLE')
      return refuse(userError('PRODUCT_UNAVAILABLE', r.message ?? 'a product is no longer sold', ['input', 'cartId']));
    throw new Error(`reservation refused: ${r.code ?? 'unknown'} ${r.message ?? ''}`);
  }
}
