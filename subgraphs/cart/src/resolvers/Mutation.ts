import { requireService } from '@shop/kit';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { requireCustomer, requireShopper } from '../access.js';
import { cartId, lineInputs, orderId, productId } from '../ids.js';

export const Mutation: MutationResolvers = {
  createCart(_parent, { input }, ctx) {
    requireShopper(ctx.caller);
    const lines = lineInputs(input?.lines ?? [], ctx.config.MAX_CART_LINES, ['input', 'lines']);
    return ctx.carts.create(ctx.caller, lines, ctx.loaders.products);
  },
  addCartLines(_parent, args, ctx) {
    requireShopper(ctx.caller);
    const lines = lineInputs(args.lines, ctx.config.MAX_CART_LINES, ['lines']);
    return ctx.carts.add(ctx.caller, cartId(args.cartId, 'cartId'), lines, ctx.loaders.products);
  },
  updateCartLines(_parent, args, ctx) {
    requireShopper(ctx.caller);
    const lines = lineInputs(args.lines, ctx.config.MAX_CART_LINES, ['lines'], true);
    return ctx.carts.update(ctx.caller, cartId(args.cartId, 'cartId'), lines, ctx.loaders.products);
  },
  removeCartLines(_parent, args, ctx) {
    requireShopper(ctx.caller);
    const ids =
      args.productIds.length > ctx.config.MAX_CART_LINES
        ? args.productIds
        : args.productIds.map((id, i) => productId(id, `productIds.${i}`));
    return ctx.carts.remove(ctx.caller, cartId(args.cartId, 'cartId'), ids, ctx.loaders.products);
  },
  claimCart(_parent, args, ctx) {
    const sub = requireCustomer(ctx.caller);
    return ctx.carts.claim(ctx.caller, sub, cartId(args.cartId, 'cartId'), ctx.loaders.products);
  },
  markCartCheckedOut(_parent, args, ctx) {
    requireService(ctx.caller, 'order');
    return ctx.carts.checkout(cartId(args.cartId, 'cartId'), orderId(args.orderId));
  },
};
