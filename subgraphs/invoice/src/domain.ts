import { createHmac } from 'node:crypto';
import type { InvoiceConfig } from './config.js';
import type { InvoiceLineDoc, PartyDoc } from './model.js';

/** `INV-<UTC year>-<6 digits>` (docs/design.md §3). */
export const invoiceNumber = (year: number, seq: number) => `INV-${year}-${String(seq).padStart(6, '0')}`;

/** The seller printed on every invoice, from the configuration. */
export function sellerOf(config: InvoiceConfig): PartyDoc {
  return {
    name: config.SELLER_NAME,
    email: config.SELLER_EMAIL,
    address: {
      name: config.SELLER_NAME,
      line1: config.SELLER_ADDRESS_LINE1,
      line2: config.SELLER_ADDRESS_LINE2,
      city: config.SELLER_CITY,
      region: config.SELLER_REGION,
      postalCode: config.SELLER_POSTAL_CODE,
      country: config.SELLER_COUNTRY,
    },
    taxId: config.SELLER_TAX_ID,
  };
}

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

/** An invoice line with its invoice's currency (what the InvoiceLine resolvers get). */
export type InvoiceLineView = InvoiceLineDoc & { currency: string };

/** The invoice subgraph's view of an order: its id. */
export interface OrderRef {
  id: string;
}
