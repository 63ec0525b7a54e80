import type { TraceCarrier } from '@shop/kit';
import { jetstream } from '@nats-io/jetstream';
import {
  mongoOutboxStore,
  pendingFilter,
  PermanentError,
  serviceEvents,
  startOutboxRelay,
  startServiceConsumers,
  type EventEnvelope,
  type OutboxStore,
  type ServiceConsumersOptions,
  type ServiceEvents,
} from '@shop/events';
import type { ListingReadModel } from './listing-feed.js';
import type { ProductModels } from './model.js';
import type { Reservations } from './reservations.js';
import type { ProductRevisions } from './revisions.js';
import type { StockLedger } from './stock.js';

/**
 * What the product service publishes and consumes (docs/design.md §5).
 * Publishes, through one outbox relay, `shop.product.changed.v1` from each product revision (`r:`
 * entries) and `shop.product.stock-changed.v1` from `product_outbox` (`o:` entries); every replica's
 * listing read model follows them (src/listing-feed.ts, docs/design.md §9).
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

/** The outbox over revisions (those written before events carry none and are skipped) and `product_outbox`. */
export function productOutbox(m: ProductModels): OutboxStore {
  const revisions = mongoOutboxStore(m.Revision, { orderField: 'at' });
  const outbox = mongoOutboxStore(m.Outbox);
  return {
    async pending(limit) {
      const [r, o] = await Promise.all([
        m.Revision.collection
          .find({ ...pendingFilter(), event: { $ne: null } }, { projection: { _id: 1, event: 1, trace: 1 } })
          .sort({ at: 1, _id: 1 })
          .limit(limit)
          .toArray(),
        outbox.pending(limit),
      ]);
      const fromRevisions = r.map((d) => ({ id: `r:${String(d._id)}`, event: d.event as unknown, trace: d.trace as TraceCarrier }));
      return [...fromRevisions, ...o.map((e) => ({ ...e, id: `o:${e.id}` }))].slice(0, limit);
    },
    markPublished: (id) => (id.startsWith('r:') ? revisions : outbox).markPublished(id.slice(2)),
    quarantine: (id, reason) => (id.startsWith('r:') ? revisions : outbox).quarantine(id.slice(2), reason),
  };
}

export interface ProductEvents extends ServiceEvents {
  listing: ListingReadModel;
}

/**
 * The NATS half of the product service (`attachEvents` provisions the streams first): the outbox relay,
 * the two reservation consumers and the listing read model's feed.
 */
export async function startProductEvents(
  service: {
    models: ProductModels;
    reservations: Reservations;
    revisions: ProductRevisions;
    ledger: StockLedger;
    listing: ListingReadModel;
  },
  o: ServiceConsumersOptions,
): Promise<ProductEvents> {
  const relay = startOutboxRelay({ store: productOutbox(service.models), js: jetstream(o.nc), log: o.log });
  service.revisions.onRecorded = () => relay.kick();
  service.ledger.onRecorded = () => relay.kick();
  const feed = service.listing.follow(o.nc);
  let consumers;
  try {
    consumers = await startServiceConsumers('product', o, {
      'shop.order.placed.v1': (event) => onOrderPlaced(service.reservations, event),
      'shop.order.cancelled.v1': (event) => onOrderCancelled(service.reservations, event),
    });
  } catch (err) {
    await feed.stop();
    await relay.stop();
    throw err;
  }
  const events = serviceEvents(relay, consumers, () => {
    service.revisions.onRecorded = () => {};
    service.ledger.onRecorded = () => {};
  });
  return {
    ...events,
    listing: service.listing,
    stop: async () => {
      await feed.stop();
      await events.stop();
    },
  };
}
