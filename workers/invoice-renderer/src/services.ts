import { CONTEXT_HEADER, REQUEST_ID_HEADER, serviceCaller, signContext, type Signer } from '@shop/kit';
import { HttpStatusError, PermanentError } from '@shop/events';
import { InvoiceSnapshot } from './snapshot.js';

/** The invoice service's internal routes, called signed as `service:invoice-renderer` (docs/design.md §5, §7). */
export interface InvoiceClient {
  snapshot(invoiceId: string, requestId: string): Promise<InvoiceSnapshot>;
  upload(invoiceId: string, pdf: Buffer, requestId: string): Promise<{ bytes: number; sha256: string }>;
}

export function invoiceClient(opts: { baseUrl: string; signer: Signer; timeoutMs: number }): InvoiceClient {
  const base = opts.baseUrl.replace(/\/+$/, '').replace(/\/graphql$/, '');
  const headers = (requestId: string) => ({
    [CONTEXT_HEADER]: signContext(opts.signer, serviceCaller(opts.signer), requestId, Date.now(), 'invoice'),
    [REQUEST_ID_HEADER]: requestId,
  });
  // classifyFailure decides: 404 (no such invoice), 400/401/403 are permanent; 408, 429 and 5xx are retried.
  const fail = async (what: string, res: Response): Promise<never> => {
    throw new HttpStatusError(`${what}: HTTP ${res.status} ${await res.text().catch(() => '')}`.trim(), res.status);
  };
  return {
    async snapshot(invoiceId, requestId) {
      const res = await fetch(`${base}/internal/invoices/${encodeURIComponent(invoiceId)}`, {
        headers: headers(requestId),
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      if (!res.ok) return fail(`GET invoice ${invoiceId}`, res);
      const parsed = InvoiceSnapshot.safeParse(await res.json());
      if (!parsed.success) throw new PermanentError(`invoice ${invoiceId}: unexpected snapshot: ${parsed.error.message}`);
      return parsed.data;
    },
    async upload(invoiceId, pdf, requestId) {
      const res = await fetch(`${base}/internal/invoices/${encodeURIComponent(invoiceId)}/pdf`, {
        method: 'PUT',
        headers: { ...headers(requestId), 'content-type': 'application/pdf' },
        body: pdf,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      if (!res.ok) return fail(`PUT invoice ${invoiceId} pdf`, res);
      return (await res.json()) as { bytes: number; sha256: string };
    },
  };
}
