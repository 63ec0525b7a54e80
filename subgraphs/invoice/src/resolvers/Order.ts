import type { OrderResolvers } from '../__generated__/resolvers-types.js';
import { mayRead } from '../access.js';
import { isUuid } from '../ids.js';

/**
 * Invoice's field of the order entity. The gateway reaches it through an Order the caller may see; the
 * invoice's own copy of the order's owner is checked again, so a direct `_entities` call learns nothing.
 */
export const Order: OrderResolvers = {
  __resolveReference: (ref) => ({ id: isUuid(ref.id) ? ref.id.toLowerCase() : ref.id }),
  id: (o) => o.id,
  invoice: async (o, _args, ctx) => {
    if (!isUuid(o.id)) return null;
    const invoice = await ctx.loaders.byOrder.load(o.id);
    return invoice && mayRead(ctx.caller, invoice) ? invoice : null;
  },
};
