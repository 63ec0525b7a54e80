/** Pure cart rules (docs/design.md §3, §4): no I/O, unit-tested in domain.test.ts. */
import { priceLines } from '@shop/money';
import { userError, type UserError } from '@shop/kit';
import type { CartStatus, LineState } from './model.js';

/** What the cart needs to know of a product, read live from the product service. */
export interface ProductSnapshot {
  id: string;
  /** Net unit price in minor units. */
  price: number;
  status: 'ACTIVE' | 'ARCHIVED';
  /** Units that can be sold now. */
  available: number;
}

/** Snapshots by product id; null for a product the catalog does not know. */
export type Products = ReadonlyMap<string, ProductSnapshot | null>;

/** A cart as its newest change left it. */
export interface CartState {
  id: string;
  ownerId: string | null;
  /** A customer's 1st, 2nd, … cart; 0 for guest carts. */
  generation: number;
  /** 0 before the first change. */
  version: number;
  /** As recorded; see `effectiveStatus` for expiry that no change has recorded yet. */
  status: CartStatus;
  lines: LineState[];
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
  mergedInto: string | null;
  mergedBy: string | null;
  orderId: string | null;
}

export interface Limits {
  maxLineQuantity: number;
  maxCartLines: number;
}

export interface LineInput {
  productId: string;
  quantity: number;
}

export type Plan = { ok: true; lines: LineState[] } | { ok: false; errors: UserError[] };

/** An ACTIVE cart past its expiry is EXPIRED, whether or not the sweeper has recorded it yet. */
export function effectiveStatus(cart: Pick<CartState, 'status' | 'expiresAt'>, now: Date): CartStatus {
  return cart.status === 'ACTIVE' && cart.expiresAt.getTime() <= now.getTime() ? 'EXPIRED' : cart.status;
}

export const totalQuantity = (lines: readonly LineState[]) => lines.reduce((n, l) => n + l.quantity, 0);

/** Signed quantity changes from `before` to `after`, per product (what a change record carries). */
export function diffLines(before: readonly LineState[], after: readonly LineState[]): { productId: string; delta: number }[] {
  const was = new Map(before.map((l) => [l.productId, l.quantity]));
  const now = new Map(after.map((l) => [l.productId, l.quantity]));
  const changes: { productId: string; delta: number }[] = [];
  for (const l of after)
    if (l.quantity !== (was.get(l.productId) ?? 0))
      changes.push({ productId: l.productId, delta: l.quantity - (was.get(l.productId) ?? 0) });
  for (const l of before) if (!now.has(l.productId)) changes.push({ productId: l.productId, delta: -l.quantity });
  return changes;
}

const at = (field: readonly string[], i: number, leaf: string) => [...field, String(i), leaf];

/**
 * Checks a line may grow to `next` units, `held` being what the cart holds already: the product
 * exists, is sold, the line stays within the maximum and the stock covers it.
 */
function raiseProblem(
  snap: ProductSnapshot | null | undefined,
  productId: string,
  next: number,
  held: number,
  limits: Limits,
  where: string[],
): UserError | undefined {
  const productField = [...where.slice(0, -1), 'productId'];
  const holding = held > 0 ? `; the cart already holds ${held}` : '';
  if (!snap) return userError('PRODUCT_NOT_FOUND', `product ${productId} does not exist`, productField);
  if (snap.status !== 'ACTIVE') return userError('PRODUCT_UNAVAILABLE', `product ${productId} is no longer sold`, productField);
  if (next > limits.maxLineQuantity)
    return userError('INVALID_QUANTITY', `a line holds at most ${limits.maxLineQuantity} units${holding}`, where);
  if (next > snap.available)
    return userError('OUT_OF_STOCK', `only ${Math.max(0, snap.available)} left of product ${productId}${holding}`, where);
  return undefined;
}

function withLine(lines: LineState[], productId: string, quantity: number): LineState[] {
  const i = lines.findIndex((l) => l.productId === productId);
  if (quantity === 0) return i < 0 ? lines : lines.filter((_, j) => j !== i);
  if (i < 0) return [...lines, { productId, quantity }];
  return lines.map((l, j) => (j === i ? { productId, quantity } : l));
}

function tooMany(lines: readonly LineState[], limits: Limits, field: readonly string[]): UserError[] {
  return lines.length > limits.maxCartLines
    ? [userError('TOO_MANY_LINES', `a cart holds at most ${limits.maxCartLines} products`, [...field])]
    : [];
}

/** addCartLines: quantities 1..max each, added to what the cart holds; the same product twice adds up. */
export function planAdd(
  current: readonly LineState[],
  input: readonly LineInput[],
  products: Products,
  limits: Limits,
  field: readonly string[],
): Plan {
  const errors: UserError[] = [];
  const added = new Map<string, { quantity: number; index: number }>();
  input.forEach((line, i) => {
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > limits.maxLineQuantity) {
      errors.push(userError('INVALID_QUANTITY', `quantity must be 1–${limits.maxLineQuantity}`, at(field, i, 'quantity')));
      return;
    }
    const seen = added.get(line.productId);
    added.set(line.productId, { quantity: (seen?.quantity ?? 0) + line.quantity, index: seen?.index ?? i });
  });
  let lines = [...current];
  for (const [productId, { quantity, index }] of added) {
    const held = current.find((l) => l.productId === productId)?.quantity ?? 0;
    const problem = raiseProblem(products.get(productId), productId, held + quantity, held, limits, at(field, index, 'quantity'));
    if (problem) errors.push(problem);
    else lines = withLine(lines, productId, held + quantity);
  }
  errors.push(...(errors.length ? [] : tooMany(lines, limits, field)));
  return errors.length ? { ok: false, errors } : { ok: true, lines };
}

/**
 * updateCartLines: sets quantities 0..max (0 removes). Lowering a quantity is always allowed, even of
 * an archived or scarce product; raising one is checked like an add. Products appear once (the
 * resolver refuses duplicates as malformed input).
 */
export function planUpdate(
  current: readonly LineState[],
  input: readonly LineInput[],
  products: Products,
  limits: Limits,
  field: readonly string[],
): Plan {
  const errors: UserError[] = [];
  let lines = [...current];
  input.forEach((line, i) => {
    if (!Number.isInteger(line.quantity) || line.quantity < 0 || line.quantity > limits.maxLineQuantity) {
      errors.push(
        userError('INVALID_QUANTITY', `quantity must be 0–${limits.maxLineQuantity} (0 removes the line)`, at(field, i, 'quantity')),
      );
      return;
    }
    const held = current.find((l) => l.productId === line.productId)?.quantity ?? 0;
    const problem =
      line.quantity > held
        ? raiseProblem(products.get(line.productId), line.productId, line.quantity, held, limits, at(field, i, 'quantity'))
        : undefined;
    if (problem) errors.push(problem);
    else lines = withLine(lines, line.productId, line.quantity);
  });
  errors.push(...(errors.length ? [] : tooMany(lines, limits, field)));
  return errors.length ? { ok: false, errors } : { ok: true, lines };
}

/** removeCartLines: products not in the cart are ignored. */
export function planRemove(current: readonly LineState[], productIds: readonly string[]): LineState[] {
  const gone = new Set(productIds);
  return current.filter((l) => !gone.has(l.productId));
}

/**
 * claimCart: a guest cart's lines summed into the customer's cart, each capped at what is available
 * and at the line maximum (never below what the customer's cart already holds). Products no longer
 * sold, out of stock, or beyond the line count limit are left out. Never fails.
 */
export function planMerge(current: readonly LineState[], incoming: readonly LineState[], products: Products, limits: Limits): LineState[] {
  let lines = [...current];
  for (const line of incoming) {
    const snap = products.get(line.productId);
    if (!snap || snap.status !== 'ACTIVE') continue;
    const held = lines.find((l) => l.productId === line.productId)?.quantity ?? 0;
    const cap = Math.min(limits.maxLineQuantity, Math.max(0, snap.available));
    const next = Math.max(held, Math.min(held + line.quantity, cap));
    if (next === held || (held === 0 && lines.length >= limits.maxCartLines)) continue;
    lines = withLine(lines, line.productId, next);
  }
  return lines;
}

export interface PricedLine {
  unitPrice: number;
  lineTotal: number;
  available: boolean;
}

export interface PricedCart {
  lines: ReadonlyMap<string, PricedLine>;
  subtotal: number;
  tax: number;
  total: number;
}

/**
 * Prices lines at the products' current prices through the shared money module (half-up tax per
 * line). A product the catalog no longer knows is priced 0 and unavailable; archived products keep
 * their price but are unavailable, so the client can show why checkout would refuse them.
 */
export function priceCart(lines: readonly LineState[], products: Products, taxRateBps: number): PricedCart {
  const unit = lines.map((l) => products.get(l.productId)?.price ?? 0);
  const totals = priceLines(
    lines.map((l, i) => ({ unitPrice: unit[i]!, quantity: l.quantity })),
    taxRateBps,
  );
  const priced = new Map<string, PricedLine>();
  lines.forEach((l, i) => {
    const snap = products.get(l.productId);
    priced.set(l.productId, {
      unitPrice: unit[i]!,
      lineTotal: totals.lines[i]!.lineTotal,
      available: !!snap && snap.status === 'ACTIVE' && snap.available >= l.quantity,
    });
  });
  return { lines: priced, subtotal: totals.subtotal, tax: totals.tax, total: totals.total };
}

/** A line as the CartLine resolvers see it: with its cart, so they can share the cart's pricing. */
export interface LineView extends LineState {
  cart: CartState;
}
