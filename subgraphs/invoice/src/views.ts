import type { InvoiceLineDoc } from './model.js';

/** An invoice line with its invoice's currency (what the InvoiceLine resolvers get). */
export type InvoiceLineView = InvoiceLineDoc & { currency: string };

/** The invoice subgraph's view of an order: its id. */
export interface OrderRef {
  id: string;
}
