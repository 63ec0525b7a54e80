import type { EventEnvelope, MessageMeta } from '@shop/events';
import type { Logger } from '@shop/kit';
import type { InvoiceClient } from '../services.js';
import { renderPdf } from '../render/pdf.js';
import type { BrowserPool } from '../render/browser-pool.js';
import { invoiceHtml } from '../render/template.js';

/**
 * `shop.invoice.issued.v1` → snapshot → HTML → PDF → upload (docs/design.md §5 step 5). Idempotent by
 * construction: the upload replaces the invoice's one PDF, and invoice keeps the rendered event's id.
 * Any failure (Chromium died, timeout, invoice service down) is retried by the consumer.
 */
export function invoiceIssuedHandler(deps: { pool: BrowserPool; client: InvoiceClient; timeoutMs: number; locale: string; log: Logger }) {
  return async (event: EventEnvelope<'shop.invoice.issued.v1'>, meta: MessageMeta): Promise<void> => {
    const { invoiceId } = event.data;
    const started = Date.now();
    const snapshot = await deps.client.snapshot(invoiceId, meta.correlationId);
    const pdf = await renderPdf(deps.pool, invoiceHtml(snapshot, deps.locale), snapshot.number, deps.timeoutMs);
    meta.working();
    const stored = await deps.client.upload(invoiceId, pdf, meta.correlationId);
    deps.log.info({ invoiceId, number: snapshot.number, bytes: stored.bytes, ms: Date.now() - started }, 'invoice rendered');
  };
}
