import { describe, expect, it } from 'vitest';
import { compareStrings, ListingModel, type ListingKeys, type ListingQuery } from './listing-model.js';

const keys = (id: string, over: Partial<ListingKeys> = {}): ListingKeys => ({
  id: id.padStart(24, '0'),
  version: 1,
  status: 'ACTIVE',
  price: 100,
  nameKey: `name ${id}`,
  searchText: `name ${id}`,
  categoryPath: [],
  createdAt: 1_000,
  ...over,
});
const q = (over: Partial<ListingQuery> = {}): ListingQuery => ({
  sort: 'PRICE_ASC',
  first: 10,
  includeArchived: false,
  tokens: [],
  ...over,
});
const ids = (m: ListingModel, over: Partial<ListingQuery> = {}) => m.page(q(over)).entries.map((e) => e.id.replace(/^0+/, ''));

describe('listing model', () => {
  it('compares strings in code point order, like the database (UTF-8 bytes), not UTF-16 units', () => {
    expect(compareStrings('\u{20000}', '\uff71')).toBeGreaterThan(0); // U+20000 after U+FF71
    expect('\u{20000}' < '\uff71').toBe(true); // what a plain comparison would say
    expect(compareStrings('ab', 'abc')).toBeLessThan(0);
    expect(compareStrings('b', 'abc')).toBeGreaterThan(0);
    expect(compareStrings('x', 'x')).toBe(0);
  });

  it('keeps every sort order as prices change, and ignores versions it already has', () => {
    const m = new ListingModel();
    m.applyProduct(keys('1', { price: 300 }));
    m.applyProduct(keys('2', { price: 100 }));
    m.applyProduct(keys('3', { price: 200 }));
    expect(ids(m)).toEqual(['2', '3', '1']);
    expect(m.applyProduct(keys('2', { version: 2, price: 400 }))).toBe(true);
    expect(ids(m)).toEqual(['3', '1', '2']);
    expect(ids(m, { sort: 'PRICE_DESC' })).toEqual(['2', '1', '3']);
    expect(m.applyProduct(keys('2', { version: 2, price: 50 }))).toBe(false); // a repeat
    expect(m.applyProduct(keys('2', { version: 1, price: 50 }))).toBe(false); // an older one, late
    expect(ids(m)).toEqual(['3', '1', '2']);
  });

  it('holds a stock level that arrives before its product, and applies only newer levels', () => {
    const m = new ListingModel();
    m.applyStock('4'.padStart(24, '0'), 2, 5);
    expect(m.size).toBe(0);
    m.applyProduct(keys('4'));
    expect(ids(m, { inStock: true })).toEqual(['4']);
    expect(m.applyStock('4'.padStart(24, '0'), 1, 0)).toBe(false);
    m.applyStock('4'.padStart(24, '0'), 3, 0);
    expect(ids(m, { inStock: true })).toEqual([]);
    expect(ids(m, { inStock: false })).toEqual(['4']);
  });

  it('pages after a cursor, counts every match and hides archived products from shoppers', () => {
    const m = new ListingModel();
    for (let i = 1; i <= 5; i++) m.applyProduct(keys(String(i), { price: 100 * i, status: i === 5 ? 'ARCHIVED' : 'ACTIVE' }));
    const first = m.page(q({ first: 2 }));
    expect(first.entries.map((e) => e.price)).toEqual([100, 200]);
    expect(first).toMatchObject({ hasNextPage: true, totalCount: 4 });
    const last = first.entries.at(-1)!;
    const next = m.page(q({ first: 2, after: { v: last.price, id: last.id } }));
    expect(next.entries.map((e) => e.price)).toEqual([300, 400]);
    expect(next).toMatchObject({ hasNextPage: false, totalCount: 4 });
    expect(m.page(q({ includeArchived: true })).totalCount).toBe(5);
    m.applyProduct(keys('2', { version: 2, price: 200, status: 'ARCHIVED' }));
    expect(m.page(q()).totalCount).toBe(3);
    expect(m.page(q({ includeArchived: true })).totalCount).toBe(5);
    expect(m.page(q({ maxPrice: 10_000 })).totalCount).toBe(3);
  });
});
