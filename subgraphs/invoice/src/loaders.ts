import DataLoader from 'dataloader';
import { findByIds } from '@shop/kit';
import type { InvoiceDoc, InvoiceModels } from './model.js';
import type { PdfStore, StoredPdf } from './pdf-store.js';

/** Per-request loaders: one query per batch, results in key order, null for misses. */
export function createLoaders(m: InvoiceModels, pdfs: PdfStore) {
  const invoice = new DataLoader<string, InvoiceDoc | null>(async (ids) => {
    const docs = await findByIds(m.Invoice, ids).lean<InvoiceDoc[]>();
    const byId = new Map(docs.map((d) => [d._id, d]));
    return ids.map((id) => byId.get(id) ?? null);
  });
  const byOrder = new DataLoader<string, InvoiceDoc | null>(async (orderIds) => {
    const docs = await m.Invoice.find(orderIds.length === 1 ? { orderId: orderIds[0] } : { orderId: { $in: orderIds } }).lean<
      InvoiceDoc[]
    >();
    const byId = new Map(docs.map((d) => [d.orderId, d]));
    return orderIds.map((id) => byId.get(id) ?? null);
  });
  /** The stored PDF's metadata (READY) or null (ISSUED). */
  const pdf = new DataLoader<string, StoredPdf | null>(async (ids) => {
    const found = await pdfs.stored(ids);
    return ids.map((id) => found.get(id) ?? null);
  });
  return { invoice, byOrder, pdf };
}

export type Loaders = ReturnType<typeof createLoaders>;
