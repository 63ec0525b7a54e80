import { badInput } from '@shop/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { mayRead, mayReadArchived, requireSnapshotReader } from '../access.js';
import { objectId } from '../ids.js';

const MAX_SNAPSHOT_IDS = 500;

export const Query: QueryResolvers = {
  async product(_parent, { id, slug }, ctx) {
    if ((id == null) === (slug == null)) throw badInput('Give exactly one of id or slug');
    const product =
      id != null
        ? await ctx.loaders.product.load(objectId(id, 'id').toHexString())
        : slug!.length > 100
          ? null
          : await ctx.catalog.bySlug(slug!);
    if (!product || !mayRead(ctx.caller, product)) return null;
    return product;
  },
  products: (_parent, args, ctx) => ctx.catalog.list({ ...args, includeArchived: mayReadArchived(ctx.caller) }),
  categories: (_parent, _args, ctx) => ctx.catalog.categoriesInOrder(),
  category: (_parent, { slug }, ctx) => (slug.length > 100 ? null : ctx.catalog.categoryBySlug(slug)),

  /** One batch of products and one of stock levels for all ids (its loaders batch up to 500): the cart's one call per request, and checkout's. */
  async productSnapshots(_parent, { ids }, ctx) {
    requireSnapshotReader(ctx.caller);
    if (ids.length > MAX_SNAPSHOT_IDS) throw badInput(`at most ${MAX_SNAPSHOT_IDS} ids`, 'ids');
    const keys = ids.map((id, i) => objectId(id, `ids.${i}`).toHexString());
    const [products, levels] = await Promise.all([ctx.loaders.product.loadMany(keys), ctx.loaders.availability.loadMany(keys)]);
    return keys.map((id, i) => {
      const product = products[i];
      const level = levels[i];
      if (product instanceof Error) throw product;
      if (level instanceof Error) throw level;
      return product && level
        ? { id, sku: product.sku, name: product.name, price: product.price, status: product.status, available: level.available }
        : null;
    });
  },
};
