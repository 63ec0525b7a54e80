import { Types } from 'mongoose';
import { isDuplicateKey, userError, type UserError } from '@shop/kit';
import type { CategoryDoc, ProductDoc, ProductModels, ProductState } from './model.js';
import { MAX_STOCK_DELTA, normalize, searchText, SLUG, slugify, validateProductFields, type ProductFieldsInput } from './domain.js';
import type { ProductRevisions } from './revisions.js';
import type { StockLedger } from './stock.js';

export interface ProductResult {
  product: ProductDoc | null;
  userErrors: UserError[];
}

export interface CreateProductInput extends ProductFieldsInput {
  sku: string;
  name: string;
  description: string;
  price: number;
  categorySlugs: readonly string[];
}

export interface UpdateProductInput extends ProductFieldsInput {
  categorySlugs?: readonly string[] | null;
}

const fail = (product: ProductDoc | null, ...userErrors: UserError[]): ProductResult => ({ product, userErrors });

/** Admin changes to the catalog. Product changes are revisions (see revisions.ts); stock goes through the ledger. */
export class CatalogAdmin {
  constructor(
    private readonly m: ProductModels,
    private readonly revisions: ProductRevisions,
    private readonly ledger: StockLedger,
  ) {}

  private async categories(slugs: readonly string[]): Promise<CategoryDoc[] | UserError> {
    const unique = [...new Set(slugs)];
    if (unique.length > 20) return userError('CATEGORY_NOT_FOUND', 'at most 20 categories', ['input', 'categorySlugs']);
    const found = await this.m.Category.find({ slug: { $in: unique } }).lean();
    const missing = unique.filter((s) => !found.some((c) => c.slug === s));
    if (missing.length) return userError('CATEGORY_NOT_FOUND', `unknown categories: ${missing.join(', ')}`, ['input', 'categorySlugs']);
    return found;
  }

  private duplicate(err: unknown, product: ProductDoc | null): ProductResult {
    const msg = String((err as Error).message);
    if (msg.includes('sku')) return fail(product, userError('SKU_TAKEN', 'another product has this SKU', ['input', 'sku']));
    return fail(product, userError('SLUG_TAKEN', 'another product has this slug', ['input', 'slug']));
  }

  async create(input: CreateProductInput): Promise<ProductResult> {
    const problems = validateProductFields(input);
    if (problems.length) return fail(null, ...problems.map((p) => userError(p.code, p.message, p.field)));
    const cats = await this.categories(input.categorySlugs);
    if (!Array.isArray(cats)) return fail(null, cats);
    const slug = input.slug ?? slugify(input.name);
    if (!SLUG.test(slug)) return fail(null, userError('INVALID_INPUT', 'cannot derive a slug from this name; give one', ['input', 'slug']));
    // Checked first for clear errors; the unique indexes decide under concurrency.
    if (await this.m.Product.exists({ sku: input.sku }))
      return fail(null, userError('SKU_TAKEN', 'another product has this SKU', ['input', 'sku']));
    if (await this.m.Product.exists({ slug }))
      return fail(null, userError('SLUG_TAKEN', 'another product has this slug', ['input', 'slug']));
    const now = new Date();
    const doc: ProductDoc = {
      _id: new Types.ObjectId(),
      sku: input.sku,
      slug,
      name: input.name.trim(),
      nameKey: normalize(input.name),
      description: input.description,
      price: input.price,
      categoryIds: cats.map((c) => c._id),
      categoryPath: uniqueIds(cats.flatMap((c) => c.path)),
      images: [...(input.images ?? [])],
      status: 'ACTIVE',
      searchText: searchText([input.name, input.sku, input.description, ...cats.map((c) => c.name)]),
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.revisions.create(doc);
    } catch (err) {
      if (isDuplicateKey(err)) return this.duplicate(err, null);
      throw err;
    }
    await this.ledger.append(doc._id, 'ADJUSTMENT', input.initialStock ?? 0, { reason: 'initial stock' });
    return { product: { ...doc, version: 1 }, userErrors: [] };
  }

  async update(id: Types.ObjectId, input: UpdateProductInput): Promise<ProductResult> {
    const problems = validateProductFields({ ...input, sku: null, initialStock: null });
    let cats: CategoryDoc[] | undefined;
    if (problems.length === 0 && input.categorySlugs != null) {
      const found = await this.categories(input.categorySlugs);
      if (!Array.isArray(found)) return this.refuse(id, found);
      cats = found;
    }
    const outcome = await this.revisions.change<UserError[]>(id, async (current) => {
      if (problems.length) return { kind: 'keep', result: problems.map((p) => userError(p.code, p.message, p.field)) };
      const set: Partial<ProductState> = {};
      if (input.name != null) Object.assign(set, { name: input.name.trim(), nameKey: normalize(input.name) });
      if (input.description != null) set.description = input.description;
      if (input.price != null) set.price = input.price;
      if (input.images != null) set.images = [...input.images];
      if (input.slug != null && input.slug !== current.slug) {
        // Checked first for a clear error; the copy's unique index decides under concurrency.
        if (await this.m.Product.exists({ slug: input.slug, _id: { $ne: id } }))
          return { kind: 'keep', result: [userError('SLUG_TAKEN', 'another product has this slug', ['input', 'slug'])] };
        set.slug = input.slug;
      }
      if (cats) Object.assign(set, { categoryIds: cats.map((c) => c._id), categoryPath: uniqueIds(cats.flatMap((c) => c.path)) });
      const catNames = cats ?? (await this.m.Category.find({ _id: { $in: current.categoryIds } }).lean());
      set.searchText = searchText([
        set.name ?? current.name,
        current.sku,
        set.description ?? current.description,
        ...catNames.map((c) => c.name),
      ]);
      return { kind: 'change', change: 'UPDATED', set };
    });
    if (outcome.kind === 'missing') return fail(null, userError('PRODUCT_NOT_FOUND', 'no such product', ['id']));
    if (outcome.kind === 'kept') return fail(outcome.product, ...outcome.result);
    if (outcome.refusedSlug) return fail(outcome.product, userError('SLUG_TAKEN', 'another product has this slug', ['input', 'slug']));
    return { product: outcome.product, userErrors: [] };
  }

  async archive(id: Types.ObjectId): Promise<ProductResult> {
    const outcome = await this.revisions.change<null>(id, (current) =>
      Promise.resolve(
        current.status === 'ARCHIVED'
          ? { kind: 'keep', result: null }
          : { kind: 'change', change: 'ARCHIVED', set: { status: 'ARCHIVED' } },
      ),
    );
    if (outcome.kind === 'missing') return fail(null, userError('PRODUCT_NOT_FOUND', 'no such product', ['id']));
    return { product: outcome.product, userErrors: [] };
  }

  /** A refusal found before deciding anything: the product as it is, or PRODUCT_NOT_FOUND. */
  private async refuse(id: Types.ObjectId, error: UserError): Promise<ProductResult> {
    const current = await this.m.Product.findById(id).lean();
    return current ? fail(current, error) : fail(null, userError('PRODUCT_NOT_FOUND', 'no such product', ['id']));
  }

  async adjustStock(id: Types.ObjectId, delta: number, reason: string): Promise<ProductResult> {
    const current = await this.m.Product.findById(id).lean();
    if (!current) return fail(null, userError('PRODUCT_NOT_FOUND', 'no such product', ['productId']));
    if (!Number.isInteger(delta) || delta === 0 || Math.abs(delta) > MAX_STOCK_DELTA) {
      return fail(current, userError('INVALID_QUANTITY', `delta must be a non-zero integer within ±${MAX_STOCK_DELTA}`, ['delta']));
    }
    if (reason.trim().length === 0 || reason.length > 500)
      return fail(current, userError('INVALID_INPUT', 'reason must be 1–500 characters', ['reason']));
    const res = await this.ledger.append(id, 'ADJUSTMENT', delta, { reason: reason.trim() });
    if (!res.ok) {
      return fail(current, userError('STOCK_WOULD_BE_NEGATIVE', `only ${res.available} in stock; cannot remove ${-delta}`, ['delta']));
    }
    return { product: current, userErrors: [] };
  }

  async createCategory(input: {
    slug: string;
    name: string;
    parentSlug?: string | null;
  }): Promise<{ category: CategoryDoc | null; userErrors: UserError[] }> {
    if (!SLUG.test(input.slug) || input.slug.length > 80)
      return { category: null, userErrors: [userError('INVALID_INPUT', 'slug must be lower-case words joined by "-"', ['input', 'slug'])] };
    if (input.name.trim().length === 0 || input.name.length > 100)
      return { category: null, userErrors: [userError('INVALID_INPUT', 'name must be 1–100 characters', ['input', 'name'])] };
    let parent: CategoryDoc | null = null;
    if (input.parentSlug != null) {
      parent = await this.m.Category.findOne({ slug: input.parentSlug }).lean();
      if (!parent)
        return {
          category: null,
          userErrors: [userError('CATEGORY_NOT_FOUND', `unknown parent ${input.parentSlug}`, ['input', 'parentSlug'])],
        };
    }
    const _id = new Types.ObjectId();
    const doc: CategoryDoc = {
      _id,
      slug: input.slug,
      name: input.name.trim(),
      parentId: parent?._id ?? null,
      path: [...(parent?.path ?? []), _id],
      createdAt: new Date(),
    };
    try {
      await this.m.Category.create(doc);
    } catch (err) {
      if (isDuplicateKey(err))
        return { category: null, userErrors: [userError('SLUG_TAKEN', 'another category has this slug', ['input', 'slug'])] };
      throw err;
    }
    return { category: doc, userErrors: [] };
  }
}

function uniqueIds(ids: readonly Types.ObjectId[]): Types.ObjectId[] {
  const seen = new Map(ids.map((id) => [id.toHexString(), id]));
  return [...seen.values()];
}
