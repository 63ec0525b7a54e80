import { ConflictError, contentionPause, isDuplicateKey, KeyedSerializer, MAX_CONTENDED_ATTEMPTS } from '@shop/kit';
import { invoiceNumber } from './domain.js';
import type { InvoiceDoc, InvoiceModels } from './model.js';

/**
 * Issuing (docs/design.md §6): the number is the unique `(year, seq)` of the invoice document: one more
 * than a number that exists — the last this process gave, else the highest of the year — and insert;
 * a duplicate key means either a concurrent issuer took that number (read again and retry) or this
 * order already has its invoice (the unique `orderId`: return it). Invoices are never deleted, so the
 * numbers of a year are exactly 1..n: no gap, no repeat. Issuers of one year are queued in this
 * process, so the retries that remain are between replicas; past the bound the issuer throws the
 * retryable CONFLICT (a consumer retries the event later).
 */

export type NewInvoice = Omit<InvoiceDoc, 'number' | 'year' | 'seq' | 'event' | 'publishedAt'>;

export class InvoiceStore {
  /** Called after an insert that carries an event, so the relay publishes it at once. */
  onRecorded: () => void = () => {};

  private readonly serial = new KeyedSerializer();
  /** The last number this process gave each year: where the next invoice tries first. */
  private readonly lastSeq = new Map<number, number>();

  constructor(readonly m: InvoiceModels) {}

  byOrder(orderId: string) {
    return this.m.Invoice.findOne({ orderId }).lean<InvoiceDoc>();
  }

  /** Inserts the invoice with the next number of its UTC year, or returns the order's existing one. */
  issue(invoice: NewInvoice, event: (doc: InvoiceDoc) => unknown): Promise<{ issued: boolean; invoice: InvoiceDoc }> {
    const year = invoice.issuedAt.getUTCFullYear();
    return this.serial.run(String(year), async () => {
      for (let attempt = 0; attempt < MAX_CONTENDED_ATTEMPTS; attempt++) {
        const existing = await this.byOrder(invoice.orderId);
        if (existing) return { issued: false, invoice: existing };
        const seq = (this.lastSeq.get(year) ?? (await this.highestSeq(year))) + 1;
        const base: InvoiceDoc = { ...invoice, number: invoiceNumber(year, seq), year, seq, event: null, publishedAt: null };
        const doc: InvoiceDoc = { ...base, event: event(base) };
        try {
          await this.m.Invoice.create(doc);
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          // FerretDB does not name the index at fault: the loop re-reads the order's invoice first.
          this.lastSeq.delete(year);
          await contentionPause(attempt);
          continue;
        }
        this.lastSeq.set(year, seq);
        this.onRecorded();
        return { issued: true, invoice: doc };
      }
      throw new ConflictError(`invoice numbering (order ${invoice.orderId})`);
    });
  }

  private async highestSeq(year: number): Promise<number> {
    return (await this.m.Invoice.findOne({ year }, { seq: 1 }).sort({ seq: -1 }).lean())?.seq ?? 0;
  }
}
