import { PermanentError } from '@shop/events';
import { CONTEXT_HEADER, REQUEST_ID_HEADER, serviceCaller, signContext, type Signer } from '@shop/kit';
import { randomUUID } from 'node:crypto';

/** Where the invoice email's attachment comes from (the invoice service owns the PDFs, docs/design.md §3). */
export interface InvoicePdfSource {
  pdf(invoiceId: string): Promise<Buffer>;
}

/** `GET <INVOICE_URL>/internal/invoices/:id/pdf`, signed as `service:messaging`. */
export function httpInvoicePdfSource(opts: { url: string; signer: Signer; timeoutMs: number }): InvoicePdfSource {
  return {
    async pdf(invoiceId) {
      const requestId = randomUUID();
      let res: Response;
      try {
        res = await fetch(`${opts.url}/internal/invoices/${encodeURIComponent(invoiceId)}/pdf`, {
          headers: {
            [CONTEXT_HEADER]: signContext(opts.signer, serviceCaller(opts.signer), requestId, Date.now(), 'invoice'),
            [REQUEST_ID_HEADER]: requestId,
            accept: 'application/pdf',
          },
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
      } catch (err) {
        throw new Error(`invoice service unreachable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      if (res.status === 401 || res.status === 403) {
        throw new PermanentError(`invoice service refused service:messaging (${res.status})`);
      }
      // 404 and 5xx are retried: invoice.rendered follows the upload, so a missing PDF is a lag or an outage.
      if (!res.ok) throw new Error(`invoice service answered ${res.status} for the PDF of ${invoiceId}`);
      const pdf = Buffer.from(await res.arrayBuffer());
      if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error(`the invoice service sent no PDF for ${invoiceId}`);
      return pdf;
    },
  };
}
