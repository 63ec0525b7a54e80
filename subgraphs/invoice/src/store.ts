import { isDuplicateKey } from '@shop/kit';
import { invoiceNumber } from './domain.js';
import type { InvoiceDoc, InvoiceModels } from './model.js';

/**
 * Issuing (ARCHITECTURE §6): the number is the unique `(year, seq)` of the invoice document. Take the
 * highest of the year plus one and insert; a duplicate key means either a concurrent issuer took that
 * number (read again and retry) or this order already has its invoice (the unique `orderId`: return
 * it). Invoices are never deleted, so the numbers of a year are exactly 1..n: no gap, no repeat.
 */

const MAX_ATTEMPTS = 200;
const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 + attempt * 2)));

export class InvoiceConflictError extends Error {
  constructor(orderId: string) {
    super(`could not number the invoice of order ${orderId}: too contended; will retry`);
    this.name = 'InvoiceConflictError';
  }
}

export type NewInvoice = Omit<InvoiceDoc, 'number' | 'year' | 'seq' | 'event' | 'publishedAt'>;

export class InvoiceStore {
  /** Called after an insert that carries an event, so the relay publishes it at once. */
  onRecorded: () => void = () => {};

  constructor(readonly m: InvoiceModels) {}

  byOrder(orderId: string) {
    return this.m.Invoice.findOne({ orderId }).lean<InvoiceDoc>();
  }

  /** Inserts the invoice with the next number of its UTC year, or returns the order's existing one. */
  async issue(invoice: NewInvoice, event: (doc: InvoiceDoc) => unknown): Promise<{ issued: boolean; invoice: InvoiceDoc }> {
    const year = invoice.issuedAt.getUTCFullYear();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const existing = await this.byOrder(invoice.orderId);
      if (existing) return { issued: false, invoice: existing };
      const newest = await this.m.Invoice.findOne({ year }, { seq: 1 }).sort({ seq: -1 }).lean();
      const seq = (newest?.seq ?? 0) + 1;
      const base: InvoiceDoc = { ...invoice, number: invoiceNumber(year, seq), year, seq, event: null, publishedAt: null };
      const doc: InvoiceDoc = { ...base, event: event(base) };
      try {
        await this.m.Invoice.create(doc);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // FerretDB does not name the index at fault: the loop re-reads the order's invoice first.
        await pause(attempt);
        continue;
      }
      this.onRecorded();
      return { issued: true, invoice: doc };
    }
    throw new InvoiceConflictError(invoice.orderId);
  }
}
