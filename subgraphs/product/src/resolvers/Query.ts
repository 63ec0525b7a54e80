import { badInput, isAdmin } from '@shop/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { objectId } from '../ids.js';

export const Query: QueryResolvers = {
  async product(_parent, { id, slug }, ctx) {
    if ((id == null) === (slug == null)) throw badInput('Give exactly one of id or slug');
    const product =
      id != null
        ? await ctx.loaders.product.load(objectId(id, 'id').toHexString())
        : slug!.length > 100
          ? null
          : await ctx.catalog.bySlug(slug!);
    if (!product || (product.status === 'ARCHIVED' && !isAdmin(ctx.caller))) return null;
    return product;
  },
  products: (_parent, args, ctx) => ctx.catalog.list({ ...args, includeArchived: isAdmin(ctx.caller) }),
  categories: (_parent, _args, ctx) => ctx.catalog.categoriesInOrder(),
  category: (_parent, { slug }, ctx) => (slug.length > 100 ? null : ctx.catalog.categoryBySlug(slug)),
};
