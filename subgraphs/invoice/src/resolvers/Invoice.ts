import { money } from '@shop/money';
import type { InvoiceLineResolvers, InvoiceResolvers, PartyResolvers } from '../__generated__/resolvers-types.js';
import { mayRead } from '../access.js';
import { isUuid } from '../ids.js';

export const Invoice: InvoiceResolvers = {
  async __resolveReference(ref, ctx) {
    if (!isUuid(ref.id)) return null;
    const invoice = await ctx.loaders.invoice.load(ref.id.toLowerCase());
    return invoice && mayRead(ctx.caller, invoice) ? invoice : null;
  },
  id: (i) => i._id,
  number: (i) => i.number,
  order: (i) => ({ id: i.orderId }),
  status: async (i, _args, ctx) => ((await ctx.loaders.pdf.load(i._id)) ? 'READY' : 'ISSUED'),
  issuedAt: (i) => i.issuedAt.toISOString(),
  lines: (i) => i.lines.map((l) => ({ ...l, currency: i.currency })),
  subtotal: (i) => money(i.subtotal, i.currency),
  tax: (i) => money(i.tax, i.currency),
  total: (i) => money(i.total, i.currency),
  taxRateBps: (i) => i.taxRateBps,
  seller: (i) => i.seller,
  buyer: (i) => i.buyer,
  pdfUrl: async (i, _args, ctx) => ((await ctx.loaders.pdf.load(i._id)) ? ctx.pdfUrl(i._id) : null),
};

export const InvoiceLine: InvoiceLineResolvers = {
  sku: (l) => l.sku,
  name: (l) => l.name,
  unitPrice: (l) => money(l.unitPrice, l.currency),
  quantity: (l) => l.quantity,
  lineTotal: (l) => money(l.lineTotal, l.currency),
  tax: (l) => money(l.tax, l.currency),
};

export const Party: PartyResolvers = {
  name: (p) => p.name,
  email: (p) => p.email,
  address: (p) => p.address,
  taxId: (p) => p.taxId,
};
