import {
  consumerEvents,
  consumerName,
  startServiceConsumers,
  type ConsumerEvents,
  type EventEnvelope,
  type ServiceConsumersOptions,
} from '@shop/events';
import type { Logger } from '@shop/kit';
import type { Carts } from './carts.js';
import type { CartEventsSettings } from './config.js';

/**
 * What the cart service consumes (docs/design.md §5); it publishes nothing.
 * - `shop.order.placed.v1` (`cart--order-placed`) → marks the order's cart CHECKED_OUT for that order.
 *
 * Checkout marks the cart itself, synchronously, right after writing the order; this consumer is the
 * safety net for an order service that died in between (its outbox still publishes `order.placed`).
 * It goes through the same `Carts.checkout` as `markCartCheckedOut`, so whichever comes first appends
 * the CHECKED_OUT record and the other finds it there: idempotent in the same write as the effect
 * (the record carries the order id, docs/design.md §6), and a redelivered event changes nothing.
 */

/** What became of one `order.placed`; every outcome is acked (none gets better by retrying). */
export type OrderPlacedOutcome =
  /** The cart is CHECKED_OUT for this order (by this event or before it). */
  | 'checked-out'
  /** An event written before `order.placed` carried `cartId`. */
  | 'no-cart'
  | 'cart-not-found'
  /** CHECKED_OUT by another order, MERGED or EXPIRED: final states, left as they are. */
  | 'cart-not-active';

export async function onOrderPlaced(carts: Carts, event: EventEnvelope<'shop.order.placed.v1'>, log: Logger): Promise<OrderPlacedOutcome> {
  const { orderId, cartId } = event.data;
  if (!cartId) {
    log.debug({ orderId }, 'order.placed without a cart id (published before it was added): nothing to mark');
    return 'no-cart';
  }
  const { cart, userErrors } = await carts.checkout(cartId, orderId);
  if (!cart) {
    log.warn({ orderId, cartId }, 'order.placed names an unknown cart: nothing to mark');
    return 'cart-not-found';
  }
  if (userErrors.length > 0) {
    // Checkout's own call cancels an order that lost its cart; nothing for the cart service to undo.
    log.warn(
      { orderId, cartId, status: cart.status, checkedOutBy: cart.orderId },
      'order.placed for a cart that is no longer ACTIVE: left as it is',
    );
    return 'cart-not-active';
  }
  log.debug({ orderId, cartId }, 'cart is CHECKED_OUT for the order');
  return 'checked-out';
}

export type CartEvents = ConsumerEvents;

export interface CartEventsOptions extends ServiceConsumersOptions {
  config: CartEventsSettings;
}

/** The NATS half of the cart service: the `order.placed` consumer (`attachEvents` provisions the streams first). */
export async function startCartEvents(service: { carts: Carts }, o: CartEventsOptions): Promise<CartEvents> {
  const durable = consumerName('cart', 'shop.order.placed.v1');
  const consumers = await startServiceConsumers('cart', o, {
    'shop.order.placed.v1': async (event, meta) => {
      await onOrderPlaced(service.carts, event, o.log.child({ consumer: durable, eventId: event.id, correlationId: meta.correlationId }));
    },
  });
  return consumerEvents(consumers);
}
