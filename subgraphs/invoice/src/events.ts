import { jetstream } from '@nats-io/jetstream';
import {
  mongoOutboxStore,
  startServiceConsumers,
  startOutboxRelay,
  type OutboxStore,
  serviceEvents,
  type ServiceEvents,
  type ServiceEventsOptions,
} from '@shop/events';
import type { Invoices } from './invoices.js';
import type { InvoiceModels } from './model.js';

/**
 * What the invoice service publishes and consumes (docs/design.md §5), with the contracts of @shop/events.
 *
 * Publishes through one outbox relay over two stores:
 * - `shop.invoice.issued.v1` from the invoice document itself (`i:` entries);
 * - `shop.invoice.rendered.v1` from `invoice_outbox` (`r:` entries), `_id` = its derived event id.
 * Consumes `shop.order.paid.v1` (`invoice--order-paid`) → issues the invoice.
 */

export function invoiceOutbox(m: InvoiceModels): OutboxStore {
  const issued = mongoOutboxStore(m.Invoice, { orderField: 'issuedAt' });
  const rendered = mongoOutboxStore(m.Outbox);
  return {
    async pending(limit) {
      const [a, b] = await Promise.all([issued.pending(limit), rendered.pending(limit)]);
      // Issued before rendered: a rendered event never overtakes the issued event of its invoice.
      return [...a.map((e) => ({ ...e, id: `i:${e.id}` })), ...b.map((e) => ({ ...e, id: `r:${e.id}` }))].slice(0, limit);
    },
    markPublished(id) {
      return (id.startsWith('i:') ? issued : rendered).markPublished(id.slice(2));
    },
    quarantine(id, reason) {
      return (id.startsWith('i:') ? issued : rendered).quarantine(id.slice(2), reason);
    },
    async adopt() {
      return (await issued.adopt()) + (await rendered.adopt());
    },
  };
}

export type InvoiceEvents = ServiceEvents;

export type InvoiceEventsOptions = ServiceEventsOptions;

/** The NATS half of the invoice service: the outbox relay and the order.paid consumer. */
export async function startInvoiceEvents(
  service: { models: InvoiceModels; invoices: Invoices },
  o: InvoiceEventsOptions,
): Promise<InvoiceEvents> {
  const relay = startOutboxRelay({
    store: invoiceOutbox(service.models),
    js: jetstream(o.nc),
    log: o.log,
    intervalMs: o.config.OUTBOX_INTERVAL,
  });
  service.invoices.store.onRecorded = () => relay.kick();
  service.invoices.onRendered = () => relay.kick();
  const consumers = await startServiceConsumers('invoice', o, {
    'shop.order.paid.v1': async (event) => {
      await service.invoices.orderPaid(event);
    },
  });
  return serviceEvents(relay, consumers, () => {
    service.invoices.store.onRecorded = () => {};
    service.invoices.onRendered = () => {};
  });
}
