import { CONTEXT_HEADER, REQUEST_ID_HEADER, serviceCaller, signContext, type Signer } from '@shop/kit';
import { PermanentError } from '@shop/events';
import { InvoiceSnapshot } from './snapshot.js';

/** The invoice service's internal routes, called signed as `service:invoice-renderer` (ARCHITECTURE §5, §7). */
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
  const fail = async (what: string, res: Response) => {
    const msg = `${what}: HTTP ${res.status} ${await res.text().catch(() => '')}`.trim();
    // 404: the invoice does not exist; 400/401/403: this request can never succeed. 5xx: retry.
    if (res.status >= 400 && res.status < 500) throw new PermanentError(msg);
    throw new Error(msg);
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
