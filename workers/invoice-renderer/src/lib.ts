/** What other packages (tests, benchmarks) may use of the renderer; `index.ts` is the process entry. */
export { loadConfig, type RendererConfig } from './config.js';
export { startRenderer, type Renderer } from './worker.js';
export { BrowserPool, type LaunchOptions } from './render/browser-pool.js';
export { renderPdf } from './render/pdf.js';
export { invoiceHtml } from './render/template.js';
export { InvoiceSnapshot } from './snapshot.js';
