import type { ProductStatus } from './model.js';

/**
 * The listing read model's data (docs/design.md §9): every product's listing keys in memory, with one
 * array per sort order kept sorted as changes arrive, so a page is a binary search plus a walk of the
 * next matches and a count is a walk of the keys, never a database scan. Pure: no I/O; versions make
 * every apply idempotent and order-independent (an older version than the one held changes nothing).
 */

export type ProductSort = 'NEWEST' | 'PRICE_ASC' | 'PRICE_DESC' | 'NAME_ASC';

/** The keys `products` filters and sorts by, at one product revision. */
export interface ListingKeys {
  id: string;
  version: number;
  status: ProductStatus;
  price: number;
  nameKey: string;
  searchText: string;
  categoryPath: string[];
  /** Epoch milliseconds. */
  createdAt: number;
}

export interface ListingEntry extends ListingKeys {
  /** The ledger version the in-stock flag was read at. */
  stockVersion: number;
  inStock: boolean;
}

/** A validated filter: every part optional; `tokens` are search words matched as prefixes. */
export interface ListingQuery {
  sort: ProductSort;
  first: number;
  after?: { v: number | string; id: string };
  includeArchived: boolean;
  tokens: readonly string[];
  categoryId?: string;
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
}

export interface ListingPage {
  entries: ListingEntry[];
  hasNextPage: boolean;
  totalCount: number;
}

/** Strings in code point order, as MongoDB and FerretDB compare them (UTF-8 bytes), not UTF-16 units. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (code points past U+FFFF) sort after U+E000–U+FFFF in code point order.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

type Key = { v: number | string; id: string };
const keyOf: Record<ProductSort, (e: ListingKeys) => number | string> = {
  NEWEST: (e) => e.createdAt,
  PRICE_ASC: (e) => e.price,
  PRICE_DESC: (e) => e.price,
  NAME_ASC: (e) => e.nameKey,
};
const DIRECTION: Record<ProductSort, 1 | -1> = { NEWEST: -1, PRICE_ASC: 1, PRICE_DESC: -1, NAME_ASC: 1 };
const SORTS = Object.keys(DIRECTION) as ProductSort[];

function compareKeys(sort: ProductSort, a: Key, b: Key): number {
  const c = typeof a.v === 'string' ? compareStrings(a.v, b.v as string) : a.v - (b.v as number);
  // ObjectId hex strings of one length compare like the ids' bytes.
  const d = c !== 0 ? c : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  return DIRECTION[sort] * d;
}

const key = (sort: ProductSort, e: ListingKeys): Key => ({ v: keyOf[sort](e), id: e.id });

/** First index whose entry sorts after `k` (or at it, with `inclusive`). */
function search(arr: readonly ListingEntry[], sort: ProductSort, k: Key, inclusive: boolean): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKeys(sort, key(sort, arr[mid]!), k);
    if (c < 0 || (c === 0 && !inclusive)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function matches(e: ListingEntry, q: ListingQuery): boolean {
  if (!q.includeArchived && e.status !== 'ACTIVE') return false;
  if (q.minPrice !== undefined && e.price < q.minPrice) return false;
  if (q.maxPrice !== undefined && e.price > q.maxPrice) return false;
  if (q.inStock !== undefined && e.inStock !== q.inStock) return false;
  if (q.categoryId !== undefined && !e.categoryPath.includes(q.categoryId)) return false;
  // The database path's `(^| )<token>` regex: a word of the search text starts with the token.
  for (const t of q.tokens) if (!e.searchText.startsWith(t) && !e.searchText.includes(` ${t}`)) return false;
  return true;
}

export class ListingModel {
  private readonly entries = new Map<string, ListingEntry>();
  /** Entries that have product keys (not only a stock level), in each sort order. */
  private readonly sorted = Object.fromEntries(SORTS.map((s) => [s, [] as ListingEntry[]])) as Record<ProductSort, ListingEntry[]>;

  /** Entries with product keys whose status is ACTIVE: the count of an unfiltered shopper's listing. */
  private active = 0;

  get size(): number {
    return this.sorted.NEWEST.length;
  }

  /** Takes a product's keys if `version` is newer than the one held; true when it changed anything. */
  applyProduct(keys: ListingKeys): boolean {
    const e = this.entries.get(keys.id);
    if (!e) {
      const fresh: ListingEntry = { ...keys, stockVersion: 0, inStock: false };
      this.entries.set(keys.id, fresh);
      this.insert(fresh);
      return true;
    }
    if (keys.version <= e.version) return false;
    if (e.version > 0) this.remove(e);
    Object.assign(e, keys);
    this.insert(e);
    return true;
  }

  /** Takes a product's stock level at ledger `version` if newer than the one held. */
  applyStock(id: string, version: number, available: number): boolean {
    let e = this.entries.get(id);
    if (!e) {
      // The stock event came before the product's own: hold the level until the product arrives.
      e = {
        id,
        version: 0,
        status: 'ARCHIVED',
        price: 0,
        nameKey: '',
        searchText: '',
        categoryPath: [],
        createdAt: 0,
        stockVersion: 0,
        inStock: false,
      };
      this.entries.set(id, e);
    }
    if (version <= e.stockVersion) return false;
    e.stockVersion = version;
    e.inStock = available > 0;
    return true;
  }

  get(id: string): ListingEntry | undefined {
    return this.entries.get(id);
  }

  /** The page after `q.after` (at most `q.first` entries) and the count of every match. */
  page(q: ListingQuery): ListingPage {
    const arr = this.sorted[q.sort];
    const out: ListingEntry[] = [];
    let hasNextPage = false;
    for (let i = q.after ? search(arr, q.sort, q.after, false) : 0; i < arr.length; i++) {
      if (!matches(arr[i]!, q)) continue;
      if (out.length === q.first) {
        hasNextPage = true;
        break;
      }
      out.push(arr[i]!);
    }
    return { entries: out, hasNextPage, totalCount: this.count(q) };
  }

  /** How many entries match `q` (whatever its cursor): kept counts when nothing but the status filters. */
  private count(q: ListingQuery): number {
    const unfiltered =
      q.tokens.length === 0 &&
      q.categoryId === undefined &&
      q.minPrice === undefined &&
      q.maxPrice === undefined &&
      q.inStock === undefined;
    if (unfiltered) return q.includeArchived ? this.size : this.active;
    let n = 0;
    for (const e of this.sorted.NEWEST) if (matches(e, q)) n++;
    return n;
  }

  private insert(e: ListingEntry): void {
    if (e.version === 0) return;
    if (e.status === 'ACTIVE') this.active++;
    for (const s of SORTS) this.sorted[s].splice(search(this.sorted[s], s, key(s, e), true), 0, e);
  }

  private remove(e: ListingEntry): void {
    if (e.status === 'ACTIVE') this.active--;
    for (const s of SORTS) {
      const arr = this.sorted[s];
      const i = search(arr, s, key(s, e), true);
      if (arr[i] !== e) throw new Error(`listing model: entry ${e.id} not where its keys say (${s})`);
      arr.splice(i, 1);
    }
  }
}
