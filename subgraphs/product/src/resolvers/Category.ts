import { isAdmin } from '@shop/kit';
import type { CategoryResolvers, StockMovementResolvers } from '../__generated__/resolvers-types.js';

export const Category: CategoryResolvers = {
  id: (c) => c._id.toHexString(),
  parent: (c, _args, ctx) => (c.parentId ? ctx.loaders.category.load(c.parentId.toHexString()) : null),
  products: (c, { first, after }, ctx) =>
    ctx.catalog.list({ first, after, filter: { category: c.slug }, sort: 'NEWEST', includeArchived: isAdmin(ctx.caller) }),
};

export const StockMovement: StockMovementResolvers = {
  id: (m) => m._id,
  at: (m) => m.at.toISOString(),
};
