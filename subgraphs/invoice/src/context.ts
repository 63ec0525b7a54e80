import type { BaseContext } from '@shop/kit';
import type { Listing } from './listing.js';
import type { Loaders } from './loaders.js';

/** What every invoice resolver gets: the verified caller, per-request loaders, the listing and the link signer. */
export interface InvoiceContext extends BaseContext {
  loaders: Loaders;
  listing: Listing;
  /** A fresh signed `pdfUrl` for a READY invoice. */
  pdfUrl: (invoiceId: string) => string;
}
