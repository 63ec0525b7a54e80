/** What other packages (tests, scripts, the gateway, the renderer) may use of the invoice service; `index.ts` is the process entry. */
export { loadConfig, type InvoiceConfig } from './config.js';
export {
  attachInvoiceEvents,
  buildInvoiceService,
  invoiceSubgraph,
  startInvoiceService,
  type InvoiceService,
  type StartedInvoiceService,
} from './server.js';
export type { InvoiceEvents } from './events.js';
export { invoiceNumber, pdfLinkSignature, signedPdfUrl } from './domain.js';
export type { InvoiceSnapshot } from './routes.js';
export type { PdfStore, StoredPdf } from './pdf-store.js';
