import { Types, type FilterQuery } from 'mongoose';
import { z } from 'zod';
import { badInput, decodeCursor, encodeCursor, pageSize } from '@shop/kit';
import type { CategoryDoc, ProductDoc, ProductModels } from './model.js';
import { escapeRegex, MAX_PRICE, MAX_SEARCH_LENGTH, searchTokens } from './domain.js';
import type { ListingReadModel } from './listing-feed.js';
import type { ListingModel, ListingQuery, ProductSort } from './listing-model.js';

export type { ProductSort } from './listing-model.js';

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

/** The validated cursor: its sort key (a Date for NEWEST) and id. */
function readCursor(sort: ProductSort, raw: string): { value: Date | number | string; id: string } {
  const c = decodeCursor(raw, cursorSchema);
  if (c.s !== sort) throw badInput('This cursor belongs to another sort order', 'after');
  const { field } = SORTS[sort];
  if (field === 'createdAt') {
    if (typeof c.v !== 'string' || Number.isNaN(Date.parse(c.v))) throw badInput('Invalid cursor', 'after');
    return { value: new Date(c.v), id: c.id };
  }
  if ((field === 'price') !== (typeof c.v === 'number')) throw badInput('Invalid cursor', 'after');
  return { value: c.v, id: c.id };
}

function afterFilter(sort: ProductSort, c: { value: Date | number | string; id: string }): FilterQuery<ProductDoc> {
  const { field, dir } = SORTS[sort];
  const op = dir === 1 ? '$gt' : '$lt';
  const id = new Types.ObjectId(c.id);
  return { $or: [{ [field]: { [op]: c.value } }, { [field]: c.value, _id: { [op]: id } }] };
}

function checkPrice(value: number | null | undefined, field: string): void {
  if (value != null && (!Number.isInteger(value) || value < 0 || value > MAX_PRICE)) {
    throw badInput(`${field} must be 0–${MAX_PRICE}`, `filter.${field}`);
  }
}

/** A filter after validation; null from `parseFilter` means "matches nothing". */
type ParsedFilter = Omit<ListingQuery, 'sort' | 'first' | 'after' | 'includeArchived'>;

const EMPTY_PAGE: ProductPage = { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };

export class Catalog {
  constructor(
    private readonly m: ProductModels,
    private readonly readModel: ListingReadModel,
  ) {}

  /** Validates the contract's ProductFilter; malformed filters are BAD_USER_INPUT. */
  private async parseFilter(filter: ProductFilterInput | null | undefined): Promise<ParsedFilter | null> {
    const out: ParsedFilter = { tokens: [] };
    if (!filter) return out;
    if (filter.search != null) {
      if (filter.search.length > MAX_SEARCH_LENGTH)
        throw badInput(`search must be at most ${MAX_SEARCH_LENGTH} characters`, 'filter.search');
      const tokens = searchTokens(filter.search);
      if (!tokens && filter.search.trim()) return null; // only punctuation: nothing can match
      out.tokens = tokens ?? [];
    }
    checkPrice(filter.minPrice, 'minPrice');
    checkPrice(filter.maxPrice, 'maxPrice');
    if (filter.minPrice != null && filter.maxPrice != null && filter.minPrice > filter.maxPrice) {
      throw badInput('minPrice must not exceed maxPrice', 'filter.minPrice');
    }
    if (filter.minPrice != null) out.minPrice = filter.minPrice;
    if (filter.maxPrice != null) out.maxPrice = filter.maxPrice;
    if (filter.category != null) {
      if (filter.category.length > 100) throw badInput('category must be a slug', 'filter.category');
      const cat = await this.m.Category.findOne({ slug: filter.category }).lean();
      if (!cat) return null; // an unknown category matches nothing
      out.categoryId = cat._id.toHexString();
    }
    if (filter.inStock != null) out.inStock = filter.inStock;
    return out;
  }

  /** The database's filter for a parsed filter (the path used while the read model cannot serve). */
  private async mongoFilter(f: ParsedFilter, includeArchived: boolean): Promise<FilterQuery<ProductDoc>> {
    const and: FilterQuery<ProductDoc>[] = [];
    if (!includeArchived) and.push({ status: 'ACTIVE' });
    for (const token of f.tokens) and.push({ searchText: { $regex: `(^| )${escapeRegex(token)}` } });
    if (f.minPrice !== undefined) and.push({ price: { $gte: f.minPrice } });
    if (f.maxPrice !== undefined) and.push({ price: { $lte: f.maxPrice } });
    if (f.categoryId !== undefined) and.push({ categoryPath: new Types.ObjectId(f.categoryId) });
    if (f.inStock !== undefined) {
      // Head pointers can lag a concurrent movement by one version; good enough for a listing filter.
      const stocked = await this.m.StockHead.find({ balance: { $gt: 0 } }, { _id: 1 }).lean();
      const ids = stocked.map((s) => s._id);
      and.push(f.inStock ? { _id: { $in: ids } } : { _id: { $nin: ids } });
    }
    return and.length ? { $and: and } : {};
  }

  /** A page of `products`: from this replica's read model when it can serve, from the database otherwise. */
  async list(args: ListArgs): Promise<ProductPage> {
    const model = this.readModel.view();
    if (model) {
      this.readModel.stats.fromModel++;
      return this.listFromModel(args, model);
    }
    this.readModel.stats.fromDatabase++;
    return this.listFromDatabase(args);
  }

  /** The page's ids, order and count from memory; the documents by `_id` equality probes in parallel. */
  async listFromModel(args: ListArgs, model: ListingModel): Promise<ProductPage> {
    const first = pageSize(args.first);
    const sort = args.sort ?? 'NEWEST';
    const cursor = args.after != null ? readCursor(sort, args.after) : undefined;
    const filter = await this.parseFilter(args.filter);
    if (filter === null) return EMPTY_PAGE;
    const after = cursor && { v: cursor.value instanceof Date ? cursor.value.getTime() : cursor.value, id: cursor.id };
    const page = model.page({ ...filter, sort, first, after, includeArchived: args.includeArchived });
    const docs = await Promise.all(page.entries.map((e) => this.pageDoc(e.id, e.version)));
    const edges: ProductPage['edges'] = [];
    page.entries.forEach((e, i) => {
      const node = docs[i];
      const v = sort === 'NEWEST' ? new Date(e.createdAt).toISOString() : sort === 'NAME_ASC' ? e.nameKey : e.price;
      if (node) edges.push({ cursor: encodeCursor({ s: sort, v, id: e.id } satisfies Cursor), node });
    });
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null }, totalCount: page.totalCount };
  }

  /**
   * A page's document: the one held in memory while it is as new as the model's keys, else an `_id`
   * equality probe (`$in` is pushed down by no FerretDB backend, `_id` equality by both: platform §1).
   */
  private async pageDoc(id: string, version: number): Promise<ProductDoc | null> {
    const held = this.readModel.doc(id, version);
    if (held) return held;
    const doc = await this.m.Product.findById(id).lean().exec();
    if (doc) this.readModel.remember(doc);
    return doc;
  }

  /** The same page read and sorted by the database (a full scan on FerretDB: platform §1). */
  async listFromDatabase(args: ListArgs): Promise<ProductPage> {
    const first = pageSize(args.first);
    const sort = args.sort ?? 'NEWEST';
    const cursor = args.after != null ? readCursor(sort, args.after) : undefined;
    const filter = await this.parseFilter(args.filter);
    if (filter === null) return EMPTY_PAGE;
    const base = await this.mongoFilter(filter, args.includeArchived);
    const { field, dir } = SORTS[sort];
    const query = cursor ? { $and: [base, afterFilter(sort, cursor)] } : base;
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
