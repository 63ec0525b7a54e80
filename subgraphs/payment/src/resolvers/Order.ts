import type { OrderResolvers } from '../__generated__/resolvers-types.js';
import { isUuid } from '../ids.js';

/**
 * Payment's fields of the order entity. The gateway only reaches them through an Order the caller may
 * see (order's own access rule), so any reference is answered, from payment's own data.
 */
export const Order: OrderResolvers = {
  __resolveReference: (ref) => ({ id: isUuid(ref.id) ? ref.id.toLowerCase() : ref.id }),
  id: (o) => o.id,
  payments: (o, _args, ctx) => (isUuid(o.id) ? ctx.loaders.paymentsOfOrder.load(o.id) : []),
  paymentStatus: async (o, _args, ctx) => (isUuid(o.id) ? ((await ctx.loaders.paymentsOfOrder.load(o.id)).at(-1)?.status ?? null) : null),
};
