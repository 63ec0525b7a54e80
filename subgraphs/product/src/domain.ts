/** Pure catalog rules: no I/O, unit-tested in domain.test.ts. */

export const MAX_SEARCH_LENGTH = 200;
export const MAX_SEARCH_TOKENS = 10;
export const MAX_PRICE = 100_000_000;
export const MAX_STOCK_DELTA = 1_000_000;

export type AvailabilityStatus = 'IN_STOCK' | 'LOW_STOCK' | 'OUT_OF_STOCK';

/** A product's stock as the Availability resolvers see it. */
export interface AvailabilityView {
  status: AvailabilityStatus;
  available: number;
}

export function availabilityStatus(available: number, lowStockThreshold: number): AvailabilityStatus {
  if (available <= 0) return 'OUT_OF_STOCK';
  return available <= lowStockThreshold ? 'LOW_STOCK' : 'IN_STOCK';
}

/** Lower case, accents removed, anything but letters and digits turned into single spaces. */
export function normalize(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function slugify(text: string): string {
  return normalize(text).replace(/ /g, '-').slice(0, 80);
}

/** The words a product is found by (name, SKU, description, category names). */
export function searchText(parts: readonly string[]): string {
  const words = new Set(parts.flatMap((p) => normalize(p).split(' ')).filter(Boolean));
  return [...words].join(' ');
}

/** Search input → the tokens that must each prefix-match a word; undefined when there is nothing to search. */
export function searchTokens(search: string): string[] | undefined {
  const tokens = [...new Set(normalize(search).split(' ').filter(Boolean))].slice(0, MAX_SEARCH_TOKENS);
  return tokens.length ? tokens : undefined;
}

/** Escapes a token for an RE2 regular expression (FerretDB evaluates $regex with Go's regexp). */
export const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const SKU = /^[A-Z0-9][A-Z0-9_-]{0,63}$/;
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface ProductFieldsInput {
  sku?: string | null;
  name?: string | null;
  description?: string | null;
  price?: number | null;
  images?: readonly string[] | null;
  initialStock?: number | null;
  slug?: string | null;
}

export interface FieldProblem {
  code: 'INVALID_PRICE' | 'INVALID_QUANTITY' | 'INVALID_INPUT';
  message: string;
  field: string[];
}

/** Validates the fields present; returns every problem (empty when valid). */
export function validateProductFields(input: ProductFieldsInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const bad = (code: FieldProblem['code'], field: string, message: string) => problems.push({ code, field: ['input', field], message });
  if (input.sku != null && !SKU.test(input.sku))
    bad('INVALID_INPUT', 'sku', 'SKU must be 1–64 of A–Z, 0–9, "-" or "_", starting with a letter or digit');
  if (input.name != null && (input.name.trim().length === 0 || input.name.length > 200))
    bad('INVALID_INPUT', 'name', 'name must be 1–200 characters');
  if (input.description != null && input.description.length > 5_000)
    bad('INVALID_INPUT', 'description', 'description must be at most 5000 characters');
  if (input.price != null && (!Number.isInteger(input.price) || input.price < 0 || input.price > MAX_PRICE)) {
    bad('INVALID_PRICE', 'price', `price must be 0–${MAX_PRICE} minor units`);
  }
  if (input.images != null) {
    if (input.images.length > 20) bad('INVALID_INPUT', 'images', 'at most 20 images');
    else if (input.images.some((u) => u.length > 2_000 || !/^https?:\/\/[^\s]+$/.test(u)))
      bad('INVALID_INPUT', 'images', 'images must be http(s) URLs');
  }
  if (
    input.initialStock != null &&
    (!Number.isInteger(input.initialStock) || input.initialStock < 0 || input.initialStock > MAX_STOCK_DELTA)
  ) {
    bad('INVALID_QUANTITY', 'initialStock', `initialStock must be 0–${MAX_STOCK_DELTA}`);
  }
  if (input.slug != null && (!SLUG.test(input.slug) || input.slug.length > 80))
    bad('INVALID_INPUT', 'slug', 'slug must be lower-case words joined by "-", at most 80 characters');
  return problems;
}
