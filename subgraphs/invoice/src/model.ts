import { Schema, type Connection, type Model } from 'mongoose';
import { createOutboxModel, outboxFields, type OutboxDoc } from '@shop/events';
import { addressSchema, numberMarkerSchema, type Address, type NumberMarkerDoc } from '@shop/kit';

/**
 * Invoice service collections (indexes created by `ensureIndexes` at start-up, never autoIndex).
 *
 * An invoice is one insert that decides everything issuing must decide exactly once (docs/design.md §6):
 * the unique `orderId` (one invoice per order: a second `order.paid` collides), the unique
 * `(year, seq)` (the gapless number), the immutable snapshot, and `event` (`shop.invoice.issued.v1`)
 * with `publishedAt: null` as its outbox entry. Nothing updates it afterwards except the relay's
 * `publishedAt` and `unpublished`. Its PDF is a separate document (see pdf-store.ts); READY means "the PDF exists".
 */

export type PartyAddress = Address;

export interface PartyDoc {
  name: string;
  email: string | null;
  address: PartyAddress | null;
  taxId: string | null;
}

export interface InvoiceLineDoc {
  sku: string;
  name: string;
  unitPrice: number;
  quantity: number;
  lineTotal: number;
  tax: number;
}

export interface InvoiceDoc {
  _id: string;
  orderId: string;
  orderNumber: string;
  /** The order's owner (null: a guest order, reached by id). */
  customerId: string | null;
  number: string;
  year: number;
  seq: number;
  issuedAt: Date;
  currency: string;
  taxRateBps: number;
  lines: InvoiceLineDoc[];
  subtotal: number;
  tax: number;
  total: number;
  seller: PartyDoc;
  buyer: PartyDoc;
  /** The order.paid event that caused it. */
  sourceEventId: string;
  event: unknown;
  publishedAt: Date | null;
}

const partySchema = new Schema<PartyDoc>(
  {
    name: { type: String, required: true },
    email: { type: String, default: null },
    address: { type: addressSchema(), default: null },
    taxId: { type: String, default: null },
  },
  { _id: false },
);

const lineSchema = new Schema<InvoiceLineDoc>(
  {
    sku: { type: String, required: true },
    name: { type: String, required: true },
    unitPrice: { type: Number, required: true },
    quantity: { type: Number, required: true },
    lineTotal: { type: Number, required: true },
    tax: { type: Number, required: true },
  },
  { _id: false },
);

const invoiceSchema = new Schema<InvoiceDoc>(
  {
    _id: { type: String, required: true },
    orderId: { type: String, required: true },
    orderNumber: { type: String, required: true },
    customerId: { type: String, default: null },
    number: { type: String, required: true },
    year: { type: Number, required: true },
    seq: { type: Number, required: true, min: 1 },
    issuedAt: { type: Date, required: true },
    currency: { type: String, required: true },
    taxRateBps: { type: Number, required: true },
    lines: { type: [lineSchema], required: true },
    subtotal: { type: Number, required: true },
    tax: { type: Number, required: true },
    total: { type: Number, required: true },
    seller: { type: partySchema, required: true },
    buyer: { type: partySchema, required: true },
    sourceEventId: { type: String, required: true },
    ...outboxFields,
  },
  { versionKey: false, autoIndex: false, minimize: false },
);
invoiceSchema.index({ orderId: 1 }, { unique: true });
invoiceSchema.index({ year: 1, seq: 1 }, { unique: true });
invoiceSchema.index({ issuedAt: -1, _id: -1 });
invoiceSchema.index({ unpublished: 1, issuedAt: 1 });

/** A stored PDF: one per invoice (`_id` = invoice id), replaced on re-rendering. */
export interface PdfDoc {
  _id: string;
  data: Buffer;
  bytes: number;
  sha256: string;
  storedAt: Date;
}

const pdfSchema = new Schema<PdfDoc>(
  {
    _id: { type: String, required: true },
    data: { type: Buffer, required: true },
    bytes: { type: Number, required: true },
    sha256: { type: String, required: true },
    storedAt: { type: Date, required: true },
  },
  { versionKey: false, autoIndex: false },
);

export interface InvoiceModels {
  Invoice: Model<InvoiceDoc>;
  Pdf: Model<PdfDoc>;
  /** `shop.invoice.rendered.v1`, `_id` = its derived event id: rendering again inserts nothing. */
  Outbox: Model<OutboxDoc>;
  /** Marker per used invoice number, `_id` = `<year>:<seq>`: what numbering probes (kit's GaplessNumbering). */
  InvoiceNumber: Model<NumberMarkerDoc>;
}

export function createModels(conn: Connection): InvoiceModels {
  return {
    Invoice: conn.model<InvoiceDoc>('Invoice', invoiceSchema, 'invoices'),
    Pdf: conn.model<PdfDoc>('InvoicePdf', pdfSchema, 'invoice_pdfs'),
    Outbox: createOutboxModel(conn, 'invoice_outbox', 'InvoiceOutbox'),
    InvoiceNumber: conn.model<NumberMarkerDoc>('InvoiceNumber', numberMarkerSchema(), 'invoice_numbers'),
  };
}

export const allModels = (m: InvoiceModels) => Object.values(m) as Model<never>[];
