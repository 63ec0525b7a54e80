import { money } from '@shop/money';
import type { CartLineResolvers, CartResolvers } from '../__generated__/resolvers-types.js';
import { mayRead } from '../access.js';
import { effectiveStatus, totalQuantity, type LineView } from '../domain.js';
import { isCartId } from '../ids.js';
import type { CartContext } from '../context.js';

export const Cart: CartResolvers = {
  async __resolveReference(ref, ctx) {
    // Through the loader, and with the same access rule as `cart(id)`: not yours looks like not found.
    if (!isCartId(ref.id)) return null;
    const cart = await ctx.loaders.cart.load(ref.id.toLowerCase());
    return cart && mayRead(ctx.caller, cart) ? cart : null;
  },
  id: (c) => c.id,
  status: (c) => effectiveStatus(c, new Date()),
  lines: (c) => c.lines.map((l) => ({ ...l, cart: c })),
  totalQuantity: (c) => totalQuantity(c.lines),
  async cost(c, _args, ctx) {
    const priced = await ctx.loaders.priced(c);
    const m = (amount: number) => money(amount, ctx.config.STORE_CURRENCY);
    return { subtotal: m(priced.subtotal), tax: m(priced.tax), total: m(priced.total) };
  },
  createdAt: (c) => c.createdAt.toISOString(),
  updatedAt: (c) => c.updatedAt.toISOString(),
  expiresAt: (c) => c.expiresAt.toISOString(),
  customerId: (c) => c.ownerId,
};

/** Prices come from the cart's pricing, computed once per request from one product call. */
const priced = async (l: LineView, ctx: CartContext) => (await ctx.loaders.priced(l.cart)).lines.get(l.productId)!;

export const CartLine: CartLineResolvers = {
  id: (l) => `${l.cart.id}:${l.productId}`,
  product: (l) => ({ __typename: 'Product', id: l.productId }),
  quantity: (l) => l.quantity,
  unitPrice: async (l, _args, ctx) => money((await priced(l, ctx)).unitPrice, ctx.config.STORE_CURRENCY),
  lineTotal: async (l, _args, ctx) => money((await priced(l, ctx)).lineTotal, ctx.config.STORE_CURRENCY),
  available: async (l, _args, ctx) => (await priced(l, ctx)).available,
};
