import { Types, type FilterQuery } from 'mongoose';
import { z } from 'zod';
import { badInput, decodeCursor, encodeCursor, pageSize } from '@shop/kit';
import type { CategoryDoc, ProductDoc, ProductModels } from './model.js';
import { escapeRegex, MAX_PRICE, MAX_SEARCH_LENGTH, searchTokens } from './domain.js';

export type ProductSort = 'NEWEST' | 'PRICE_ASC' | 'PRICE_DESC' | 'NAME_ASC';

export interface ProductFilterInput {
  search?: string | null;
  category?: string | null;
  inStock?: boolean | null;
  minPrice?: number | null;
  maxPrice?: number | null;
}

export interface ListArgs {
  first?: number | null;
  after?: string | null;
  filter?: ProductFilterInput | null;
  sort?: ProductSort | null;
  includeArchived: boolean;
}

export interface ProductPage {
  edges: { cursor: string; node: ProductDoc }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/** Keyset pagination per sort: the sort keys, and how a document's position is written in a cursor. */
const SORTS = {
  NEWEST: { field: 'createdAt', dir: -1 },
  PRICE_ASC: { field: 'price', dir: 1 },
  PRICE_DESC: { field: 'price', dir: -1 },
  NAME_ASC: { field: 'nameKey', dir: 1 },
} as const satisfies Record<ProductSort, { field: keyof ProductDoc; dir: 1 | -1 }>;

const cursorSchema = z.object({
  s: z.enum(['NEWEST', 'PRICE_ASC', 'PRICE_DESC', 'NAME_ASC']),
  v: z.union([z.string().max(300), z.number().int()]),
  id: z.string().regex(/^[0-9a-f]{24}$/),
});
type Cursor = z.infer<typeof cursorSchema>;

function cursorOf(sort: ProductSort, p: ProductDoc): string {
  const value = p[SORTS[sort].field];
  return encodeCursor({ s: sort, v: value instanceof Date ? value.toISOString() : value, id: p._id.toHexString() } satisfies Cursor);
}

function afterCursor(sort: ProductSort, raw: string): FilterQuery<ProductDoc> {
  const c = decodeCursor(raw, cursorSchema);
  if (c.s !== sort) throw badInput('This cursor belongs to another sort order', 'after');
  const { field, dir } = SORTS[sort];
  let value: Date | number | string = c.v;
  if (field === 'createdAt') {
    if (typeof c.v !== 'string' || Number.isNaN(Date.parse(c.v))) throw badInput('Invalid cursor', 'after');
    value = new Date(c.v);
  } else if ((field === 'price') !== (typeof c.v === 'number')) {
    throw badInput('Invalid cursor', 'after');
  }
  const op = dir === 1 ? '$gt' : '$lt';
  const id = new Types.ObjectId(c.id);
  return { $or: [{ [field]: { [op]: value } }, { [field]: value, _id: { [op]: id } }] };
}

function checkPrice(value: number | null | undefined, field: string): void {
  if (value != null && (!Number.isInteger(value) || value < 0 || value > MAX_PRICE)) {
    throw badInput(`${field} must be 0–${MAX_PRICE}`, `filter.${field}`);
  }
}

export class Catalog {
  constructor(private readonly m: ProductModels) {}

  /** Builds the MongoDB filter for the contract's ProductFilter; malformed filters are BAD_USER_INPUT. */
  async filterFor(filter: ProductFilterInput | null | undefined, includeArchived: boolean): Promise<FilterQuery<ProductDoc> | null> {
    const and: FilterQuery<ProductDoc>[] = [];
    if (!includeArchived) and.push({ status: 'ACTIVE' });
    if (!filter) return and.length ? { $and: and } : {};
    if (filter.search != null) {
      if (filter.search.length > MAX_SEARCH_LENGTH)
        throw badInput(`search must be at most ${MAX_SEARCH_LENGTH} characters`, 'filter.search');
      const tokens = searchTokens(filter.search);
      if (!tokens && filter.search.trim()) return null; // only punctuation: nothing can match
      for (const token of tokens ?? []) {
        and.push({ searchText: { $regex: `(^| )${escapeRegex(token)}` } });
      }
    }
    checkPrice(filter.minPrice, 'minPrice');
    checkPrice(filter.maxPrice, 'maxPrice');
    if (filter.minPrice != null && filter.maxPrice != null && filter.minPrice > filter.maxPrice) {
      throw badInput('minPrice must not exceed maxPrice', 'filter.minPrice');
    }
    if (filter.minPrice != null) and.push({ price: { $gte: filter.minPrice } });
    if (filter.maxPrice != null) and.push({ price: { $lte: filter.maxPrice } });
    if (filter.category != null) {
      if (filter.category.length > 100) throw badInput('category must be a slug', 'filter.category');
      const cat = await this.m.Category.findOne({ slug: filter.category }).lean();
      if (!cat) return null; // an unknown category matches nothing
      and.push({ categoryPath: cat._id });
    }
    if (filter.inStock != null) {
      // Head pointers can lag a concurrent movement by one version; good enough for a listing filter.
      const stocked = await this.m.StockHead.find({ balance: { $gt: 0 } }, { _id: 1 }).lean();
      const ids = stocked.map((s) => s._id);
      and.push(filter.inStock ? { _id: { $in: ids } } : { _id: { $nin: ids } });
    }
    return and.length ? { $and: and } : {};
  }

  async list(args: ListArgs): Promise<ProductPage> {
    const first = pageSize(args.first);
    const sort = args.sort ?? 'NEWEST';
    const after = args.after != null ? afterCursor(sort, args.after) : undefined;
    const base = await this.filterFor(args.filter, args.includeArchived);
    if (base === null) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
    const { field, dir } = SORTS[sort];
    const query = after ? { $and: [base, after] } : base;
    const [docs, totalCount] = await Promise.all([
      this.m.Product.find(query)
        .sort({ [field]: dir, _id: dir })
        .limit(first + 1)
        .lean(),
      this.m.Product.countDocuments(base),
    ]);
    const page = docs.slice(0, first);
    const edges = page.map((node) => ({ cursor: cursorOf(sort, node), node }));
    return { edges, pageInfo: { hasNextPage: docs.length > first, endCursor: edges.at(-1)?.cursor ?? null }, totalCount };
  }

  bySlug(slug: string): Promise<ProductDoc | null> {
    return this.m.Product.findOne({ slug }).lean().exec();
  }

  categoryBySlug(slug: string): Promise<CategoryDoc | null> {
    return this.m.Category.findOne({ slug }).lean().exec();
  }

  categoriesInOrder(): Promise<CategoryDoc[]> {
    return this.m.Category.find({})
      .sort({ slug: 1 })
      .lean()
      .then((cats) => cats.sort((a, b) => a.path.length - b.path.length));
  }
}
