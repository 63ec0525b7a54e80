import {
  consumerEvents,
  PermanentError,
  startServiceConsumers,
  type ConsumerEvents,
  type EventEnvelope,
  type ServiceConsumersOptions,
} from '@shop/events';
import type { Reservations } from './reservations.js';

/**
 * What the product service consumes (docs/design.md §5); it publishes nothing.
 * - `shop.order.placed.v1` → confirms the order's reservation: from then on only a release gives the
 *   stock back, the reservation sweeper no longer does.
 * - `shop.order.cancelled.v1` → releases the order's reservation.
 * Both are idempotent in the same write as their effect (docs/design.md §6): the confirmation is the
 * order's unique decision document, each line's release occupies the unique slot
 * `<order>:<product>:release` in the stock ledger, so a redelivered event changes nothing.
 */

/** The order was placed: keep its reservation. */
export async function onOrderPlaced(reservations: Reservations, event: EventEnvelope<'shop.order.placed.v1'>): Promise<void> {
  const { orderId } = event.data;
  const outcome = await reservations.confirm(orderId);
  if (outcome.ok) return;
  // Neither can be fixed by retrying; an operator must look (the dead letter says why).
  if (outcome.state === 'EXPIRED')
    throw new PermanentError(`order ${orderId} was placed after its reservation expired; its stock was already released`);
  throw new PermanentError(`order ${orderId}: ${outcome.code ?? 'confirmation refused'} ${outcome.message ?? ''}`.trim());
}

/** The order was cancelled (by the customer, an admin or the payment timeout): give its stock back, once. */
export async function onOrderCancelled(reservations: Reservations, event: EventEnvelope<'shop.order.cancelled.v1'>): Promise<void> {
  const { orderId, reason } = event.data;
  const outcome = await reservations.release(orderId, `order cancelled: ${reason}`.slice(0, 500));
  if (!outcome.ok) throw new PermanentError(`order ${orderId}: ${outcome.code ?? 'release refused'} ${outcome.message ?? ''}`.trim());
}

export type ProductEvents = ConsumerEvents;

/** The NATS half of the product service: the two reservation consumers (`attachEvents` provisions the streams first). */
export async function startProductEvents(service: { reservations: Reservations }, o: ServiceConsumersOptions): Promise<ProductEvents> {
  const consumers = await startServiceConsumers('product', o, {
    'shop.order.placed.v1': (event) => onOrderPlaced(service.reservations, event),
    'shop.order.cancelled.v1': (event) => onOrderCancelled(service.reservations, event),
  });
  return consumerEvents(consumers);
}
