import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { mayRead, requireCartReader, requireCustomer } from '../access.js';
import { cartId } from '../ids.js';

export const Query: QueryResolvers = {
  async cart(_parent, { id }, ctx) {
    requireCartReader(ctx.caller);
    const cart = await ctx.loaders.cart.load(cartId(id, 'id'));
    return cart && mayRead(ctx.caller, cart) ? cart : null;
  },
  myCart: (_parent, _args, ctx) => ctx.carts.activeOf(requireCustomer(ctx.caller)),
};
