import { pageSize, requireAdmin } from '@shop/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { mayRead } from '../access.js';
import { isUuid } from '../ids.js';

export const Query: QueryResolvers = {
  async invoice(_parent, { id }, ctx) {
    if (!isUuid(id)) return null;
    const invoice = await ctx.loaders.invoice.load(id.toLowerCase());
    return invoice && mayRead(ctx.caller, invoice) ? invoice : null;
  },
  invoices(_parent, { first, after }, ctx) {
    requireAdmin(ctx.caller);
    return ctx.listing.page(pageSize(first), after);
  },
};
