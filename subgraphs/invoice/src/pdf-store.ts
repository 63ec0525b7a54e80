import { createHash } from 'node:crypto';
import { isDuplicateKey } from '@shop/kit';
import type { Model } from 'mongoose';
import type { PdfDoc } from './model.js';

/**
 * Where invoice PDFs live (the invoice service owns them, docs/design.md §3): one PDF per invoice,
 * replaced when the invoice is rendered again, never a second copy. One interface so a filesystem or
 * object-store implementation can replace the MongoDB one without touching the routes.
 */
export interface StoredPdf {
  bytes: number;
  sha256: string;
  storedAt: Date;
}

export interface PdfStore {
  /** Stores (or replaces) the PDF of `invoiceId`. */
  put(invoiceId: string, pdf: Buffer): Promise<StoredPdf>;
  get(invoiceId: string): Promise<(StoredPdf & { data: Buffer }) | null>;
  /** Which of these invoices have a PDF (without reading the bytes). */
  stored(invoiceIds: readonly string[]): Promise<Map<string, StoredPdf>>;
}

/** MongoDB binary documents (`invoice_pdfs`, `_id` = invoice id); not GridFS (FerretDB has none). */
export function mongoPdfStore(Pdf: Model<PdfDoc>): PdfStore {
  return {
    async put(invoiceId, pdf) {
      const meta: StoredPdf = { bytes: pdf.length, sha256: createHash('sha256').update(pdf).digest('hex'), storedAt: new Date() };
      const doc = { _id: invoiceId, data: pdf, ...meta };
      // The `_id` is the invoice id, so a replacement can never add a second document. Two concurrent
      // upserts of a missing document may both try to insert: the loser's duplicate key means the
      // document now exists, and replacing it again is what it wanted.
      for (let attempt = 0; ; attempt++) {
        try {
          await Pdf.collection.replaceOne({ _id: invoiceId as never }, doc, { upsert: true });
          return meta;
        } catch (err) {
          if (!isDuplicateKey(err) || attempt >= 3) throw err;
        }
      }
    },
    async get(invoiceId) {
      const doc = await Pdf.collection.findOne({ _id: invoiceId as never });
      if (!doc) return null;
      const data = doc.data as unknown as { buffer: ArrayBuffer | Buffer } | Buffer;
      const buf = Buffer.isBuffer(data) ? data : Buffer.from((data as { buffer: Uint8Array }).buffer);
      return { data: buf, bytes: doc.bytes as number, sha256: doc.sha256 as string, storedAt: doc.storedAt as Date };
    },
    async stored(invoiceIds) {
      const out = new Map<string, StoredPdf>();
      if (invoiceIds.length === 0) return out;
      // One `_id` probe per invoice, never `$in` (which reads every stored PDF): docs/design.md §6, "Hot reads".
      const found = await Promise.all(
        [...new Set(invoiceIds)].map((id) => Pdf.collection.findOne({ _id: id as never }, { projection: { data: 0 } })),
      );
      for (const d of found)
        if (d) out.set(String(d._id), { bytes: d.bytes as number, sha256: d.sha256 as string, storedAt: d.storedAt as Date });
      return out;
    },
  };
}
