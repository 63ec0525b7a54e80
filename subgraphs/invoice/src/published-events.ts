import { createEvent, derivedEventId } from '@shop/events';
import type { InvoiceDoc } from './model.js';
import type { StoredPdf } from './pdf-store.js';

/**
 * The events the invoice service publishes (docs/design.md §5), each stored with the record that makes
 * the change (outbox, docs/design.md §6):
 * - `shop.invoice.issued.v1` from the invoice document the store writes;
 * - `shop.invoice.rendered.v1` once the renderer's PDF is stored, with the id derived from the invoice
 *   id, so a second upload publishes nothing new.
 * `events.ts` publishes them (the relay) and wires what the service consumes.
 */

const SOURCE = 'invoice';

export function issuedEvent(doc: InvoiceDoc, correlationId: string) {
  return createEvent(
    'shop.invoice.issued.v1',
    { invoiceId: doc._id, orderId: doc.orderId, number: doc.number },
    { source: SOURCE, correlationId, occurredAt: doc.issuedAt },
  );
}

export function renderedEvent(invoice: InvoiceDoc, stored: StoredPdf, correlationId: string) {
  return createEvent(
    'shop.invoice.rendered.v1',
    { invoiceId: invoice._id, orderId: invoice.orderId, number: invoice.number, bytes: stored.bytes, sha256: stored.sha256 },
    { source: SOURCE, correlationId, id: derivedEventId(`invoice.rendered:${invoice._id}`) },
  );
}
