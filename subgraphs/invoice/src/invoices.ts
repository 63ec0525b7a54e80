import { randomUUID } from 'node:crypto';
import { outboxDoc, PermanentError, type EventEnvelope } from '@shop/events';
import { isDuplicateKey, type Logger } from '@shop/kit';
import { priceLines } from '@shop/money';
import type { InvoiceDoc, InvoiceModels, PartyDoc } from './model.js';
import type { PdfStore, StoredPdf } from './pdf-store.js';
import { issuedEvent, renderedEvent } from './published-events.js';
import type { Services } from './services.js';
import type { InvoiceStore } from './store.js';

/** What issuing and rendering do, for the consumer (order.paid) and the internal upload route. */
export class Invoices {
  /** Called after the rendered event was written, so the relay publishes it at once. */
  onRendered: () => void = () => {};

  constructor(
    readonly store: InvoiceStore,
    private readonly models: InvoiceModels,
    readonly pdfs: PdfStore,
    private readonly services: Services,
    private readonly opts: { taxRateBps: number; seller: PartyDoc },
    private readonly log: Logger,
  ) {}

  /**
   * docs/design.md §5 step 4: the invoice of a paid order, once. A second delivery (or a concurrent one)
   * finds the order's invoice through the unique `orderId` and issues nothing.
   */
  async orderPaid(event: EventEnvelope<'shop.order.paid.v1'>, now = new Date()): Promise<{ issued: boolean; invoice: InvoiceDoc }> {
    const { orderId } = event.data;
    const existing = await this.store.byOrder(orderId);
    if (existing) return { issued: false, invoice: existing };
    const order = await this.services.order(orderId, event.correlationId);
    if (!order) throw new PermanentError(`order ${orderId} is unknown to the order service`);
    const currency = order.total.currency;
    const priced = priceLines(
      order.lines.map((l) => ({ unitPrice: l.unitPrice.amount, quantity: l.quantity })),
      this.opts.taxRateBps,
    );
    if (priced.total !== order.total.amount || priced.total !== event.data.total || currency !== event.data.currency) {
      throw new PermanentError(
        `order ${orderId}: total ${order.total.amount} ${currency} (paid ${event.data.total} ${event.data.currency}) does not match ${priced.total} at TAX_RATE_BPS ${this.opts.taxRateBps}`,
      );
    }
    const a = order.shippingAddress;
    const result = await this.store.issue(
      {
        _id: randomUUID(),
        orderId,
        orderNumber: order.number,
        customerId: order.customerId,
        issuedAt: now,
        currency,
        taxRateBps: this.opts.taxRateBps,
        lines: order.lines.map((l, i) => ({
          sku: l.sku,
          name: l.name,
          unitPrice: l.unitPrice.amount,
          quantity: l.quantity,
          lineTotal: priced.lines[i]!.lineTotal,
          tax: priced.lines[i]!.tax,
        })),
        subtotal: priced.subtotal,
        tax: priced.tax,
        total: priced.total,
        seller: this.opts.seller,
        buyer: {
          name: a.name,
          email: order.email,
          address: {
            name: a.name,
            line1: a.line1,
            line2: a.line2,
            city: a.city,
            region: a.region,
            postalCode: a.postalCode,
            country: a.country,
          },
          taxId: null,
        },
        sourceEventId: event.id,
      },
      (doc) => issuedEvent(doc, event.correlationId),
    );
    if (result.issued) this.log.info({ invoiceId: result.invoice._id, number: result.invoice.number, orderId }, 'invoice issued');
    return result;
  }

  get(invoiceId: string) {
    return this.models.Invoice.findById(invoiceId).lean<InvoiceDoc>();
  }

  /**
   * docs/design.md §5 step 5: the renderer uploaded the PDF. It replaces any earlier one (READY = a PDF
   * is stored), then `shop.invoice.rendered.v1` goes to the outbox with the id derived from the
   * invoice id: a second upload finds it there and publishes nothing new. Storing first means a crash
   * in between leaves the renderer without a 2xx, so it uploads again and the event is then written.
   */
  async storePdf(invoice: InvoiceDoc, pdf: Buffer, correlationId: string): Promise<StoredPdf> {
    const stored = await this.pdfs.put(invoice._id, pdf);
    const event = renderedEvent(invoice, stored, correlationId);
    try {
      await this.models.Outbox.create(outboxDoc(event));
      this.onRendered();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    return stored;
  }
}
