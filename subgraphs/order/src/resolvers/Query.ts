import { pageSize, requireAdmin } from '@shop/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { mayRead, requireCustomer, requireOrderReader } from '../access.js';
import { uuid } from '../ids.js';

export const Query: QueryResolvers = {
  async order(_parent, { id }, ctx) {
    requireOrderReader(ctx.caller);
    const order = await ctx.loaders.order.load(uuid(id, 'id'));
    return order && mayRead(ctx.caller, order.order) ? order : null;
  },
  myOrders(_parent, { first, after }, ctx) {
    const customerId = requireCustomer(ctx.caller);
    return ctx.listing.page({ customerId }, pageSize(first), after, ctx.loaders.orders);
  },
  orders(_parent, { first, after, status }, ctx) {
    requireAdmin(ctx.caller);
    return ctx.listing.page({ status }, pageSize(first), after, ctx.loaders.orders);
  },
};
