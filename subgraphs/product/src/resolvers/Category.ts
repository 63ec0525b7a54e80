import type { CategoryResolvers } from '../__generated__/resolvers-types.js';
import { mayReadArchived } from '../access.js';

export const Category: CategoryResolvers = {
  id: (c) => c._id.toHexString(),
  parent: (c, _args, ctx) => (c.parentId ? ctx.loaders.category.load(c.parentId.toHexString()) : null),
  products: (c, { first, after }, ctx) =>
    ctx.catalog.list({ first, after, filter: { category: c.slug }, sort: 'NEWEST', includeArchived: mayReadArchived(ctx.caller) }),
};
