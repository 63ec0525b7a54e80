import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@shop/harness';
import type { Env } from '../../../subgraphs/invoice/test/helpers.js';

export {
  startEnv,
  paidEvent,
  publish,
  streamEvents,
  log,
  EVENTS_ENV,
  PDF_LINK_SECRET,
  type Env,
} from '../../../subgraphs/invoice/test/helpers.js';

/** `lines` lines with distinct names and prices. */
export const manyLines = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    sku: `SKU-${1000 + i}`,
    name: `Widget model ${i + 1}`,
    unitPrice: 100 + i * 7,
    quantity: 1 + (i % 3),
  }));

/** Waits until every invoice of these orders is READY (a PDF stored); returns the invoices. */
export function waitReady(env: Env, orderIds: string[], timeoutMs = 60_000) {
  return waitFor(
    `${orderIds.length} invoices READY`,
    async () => {
      const invoices = await env.invoice.models.Invoice.find({ orderId: { $in: orderIds } }).lean();
      if (invoices.length < orderIds.length) return undefined;
      const pdfs = await env.invoice.models.Pdf.countDocuments({ _id: { $in: invoices.map((i) => i._id) } });
      return pdfs === invoices.length ? invoices : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/** Text and page count of a PDF through poppler (pdftotext, pdfinfo). */
export function pdfFacts(pdf: Buffer): { text: string; pages: number } {
  const dir = mkdtempSync(join(tmpdir(), 'invoice-pdf-'));
  const file = join(dir, 'invoice.pdf');
  writeFileSync(file, pdf);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0);
  return { text, pages };
}
