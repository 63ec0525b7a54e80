import { claimByInsert, GaplessNumbering } from '@shop/kit';
import { invoiceNumber } from './domain.js';
import type { InvoiceDoc, InvoiceModels } from './model.js';

/**
 * Issuing (docs/design.md §6): the number is the unique `(year, seq)` of the invoice document, one more
 * than a number that exists (kit's GaplessNumbering: the last number this process used, else `_id`
 * probes of the year's number markers — never a sort). A duplicate key means either a concurrent
 * issuer took that number (its marker exists, or the order has no invoice: try the next) or this order
 * already has its invoice (the unique `orderId`: return it). Invoices are never deleted, so the numbers
 * of a year are exactly 1..n: no gap, no repeat. Issuers of one year are queued in this process, so the
 * retries that remain are between replicas; past the bound the issuer throws the retryable CONFLICT
 * (a consumer retries the event later).
 */

export type NewInvoice = Omit<InvoiceDoc, 'number' | 'year' | 'seq' | 'event' | 'publishedAt'>;

export class InvoiceStore {
  /** Called after an insert that carries an event, so the relay publishes it at once. */
  onRecorded: () => void = () => {};

  private readonly numbers: GaplessNumbering;

  constructor(readonly m: InvoiceModels) {
    this.numbers = new GaplessNumbering(
      m.InvoiceNumber,
      async (year, seq) => (await m.Invoice.exists({ year: Number(year), seq })) !== null,
      'invoice numbering',
    );
  }

  byOrder(orderId: string) {
    return this.m.Invoice.findOne({ orderId }).lean<InvoiceDoc>();
  }

  /** Inserts the invoice with the next number of its UTC year, or returns the order's existing one. */
  async issue(invoice: NewInvoice, event: (doc: InvoiceDoc) => unknown): Promise<{ issued: boolean; invoice: InvoiceDoc }> {
    const year = invoice.issuedAt.getUTCFullYear();
    // A repeated delivery usually finds its invoice here; one racing it collides on the unique orderId below.
    const existing = await this.byOrder(invoice.orderId);
    if (existing) return { issued: false, invoice: existing };
    return claimByInsert<{ issued: boolean; invoice: InvoiceDoc }>(
      this.numbers,
      String(year),
      async (seq) => {
        const base: InvoiceDoc = { ...invoice, number: invoiceNumber(year, seq), year, seq, event: null, publishedAt: null };
        const doc: InvoiceDoc = { ...base, event: event(base) };
        await this.m.Invoice.create(doc);
        this.onRecorded();
        return { issued: true, invoice: doc };
      },
      async () => {
        const earlier = await this.byOrder(invoice.orderId);
        return earlier ? { issued: false, invoice: earlier } : null;
      },
    );
  }
}
