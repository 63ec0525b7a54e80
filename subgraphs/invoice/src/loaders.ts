import DataLoader from 'dataloader';
import { findAllBy, findByIds } from '@shop/kit';
import type { InvoiceDoc, InvoiceModels } from './model.js';
import type { PdfStore, StoredPdf } from './pdf-store.js';

/** Per-request loaders: one query per batch, results in key order, null for misses. */
export function createLoaders(m: InvoiceModels, pdfs: PdfStore) {
  const invoice = new DataLoader<string, InvoiceDoc | null>((ids) => findByIds<InvoiceDoc, string>(m.Invoice, ids));
  // `orderId` is unique: at most one invoice per order.
  const byOrder = new DataLoader<string, InvoiceDoc | null>(async (orderIds) =>
    (await findAllBy<InvoiceDoc, string>(m.Invoice, 'orderId', orderIds)).map((docs) => docs[0] ?? null),
  );
  /** The stored PDF's metadata (READY) or null (ISSUED). */
  const pdf = new DataLoader<string, StoredPdf | null>(async (ids) => {
    const found = await pdfs.stored(ids);
    return ids.map((id) => found.get(id) ?? null);
  });
  return { invoice, byOrder, pdf };
}

export type Loaders = ReturnType<typeof createLoaders>;
