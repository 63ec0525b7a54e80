import { z } from 'zod';
import { Address } from '@shop/kit';

/** The invoice snapshot as `GET /internal/invoices/:id` returns it (validated: the template trusts it). */
const money = z.int().nonnegative();
const party = z.object({ name: z.string(), email: z.string().nullable(), address: Address.nullable(), taxId: z.string().nullable() });

export const InvoiceSnapshot = z.object({
  id: z.uuid(),
  number: z.string().regex(/^INV-\d{4}-\d{6}$/),
  orderId: z.uuid(),
  orderNumber: z.string(),
  issuedAt: z.iso.datetime(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  taxRateBps: z.int().nonnegative(),
  seller: party,
  buyer: party,
  lines: z.array(
    z.object({ sku: z.string(), name: z.string(), unitPrice: money, quantity: z.int().positive(), lineTotal: money, tax: money }),
  ),
  subtotal: money,
  tax: money,
  total: money,
});

export type InvoiceSnapshot = z.infer<typeof InvoiceSnapshot>;
