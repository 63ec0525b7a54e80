import { badInput } from '@shop/kit';
import type { ProductResolvers } from '../__generated__/resolvers-types.js';
import { requireCatalogAdmin } from '../access.js';
import type { CategoryDoc } from '../model.js';

export const Product: ProductResolvers = {
  __resolveReference(ref, ctx) {
    // Always through the loader: one query per _entities request, whatever the number of references.
    return typeof ref.id === 'string' && /^[0-9a-f]{24}$/.test(ref.id) ? ctx.loaders.product.load(ref.id) : null;
  },
  id: (p) => p._id.toHexString(),
  price: (p, _args, ctx) => ({ amount: p.price, currency: ctx.config.STORE_CURRENCY }),
  categories: async (p, _args, ctx) =>
    (await ctx.loaders.category.loadMany(p.categoryIds.map((id) => id.toHexString()))).filter(
      (c): c is CategoryDoc => c !== null && !(c instanceof Error),
    ),
  availability: (p, _args, ctx) => ctx.loaders.availability.load(p._id.toHexString()),
  createdAt: (p) => p.createdAt.toISOString(),
  updatedAt: (p) => p.updatedAt.toISOString(),
  stockMovements(p, { first }, ctx) {
    requireCatalogAdmin(ctx.caller);
    if (!Number.isInteger(first) || first < 1 || first > 500) throw badInput('first must be between 1 and 500', 'first');
    return ctx.ledger.history(p._id, first);
  },
};
