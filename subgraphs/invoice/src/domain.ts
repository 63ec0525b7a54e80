import { createHmac } from 'node:crypto';

/** `INV-<UTC year>-<6 digits>` (docs/design.md §3). */
export const invoiceNumber = (year: number, seq: number) => `INV-${year}-${String(seq).padStart(6, '0')}`;

/**
 * Signed PDF links (docs/design.md §7): `${base}/invoices/<id>.pdf?exp=<unix seconds>&sig=<hex hmac>`.
 * The gateway verifies them with the same secret (`PDF_LINK_SECRET`) and the same functions.
 */
export function pdfLinkSignature(secret: string, invoiceId: string, exp: number): string {
  return createHmac('sha256', secret).update(`invoice-pdf:${invoiceId}:${exp}`).digest('hex');
}

export function signedPdfUrl(baseUrl: string, secret: string, invoiceId: string, ttlMs: number, now = Date.now()): string {
  const exp = Math.floor((now + ttlMs) / 1000);
  return `${baseUrl.replace(/\/+$/, '')}/invoices/${invoiceId}.pdf?exp=${exp}&sig=${pdfLinkSignature(secret, invoiceId, exp)}`;
}
