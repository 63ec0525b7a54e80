import { badInput, uuid } from '@shop/kit';
import type { LineInput } from './domain.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const OBJECT_ID = /^[0-9a-f]{24}$/;

export const isCartId = (value: unknown): value is string => typeof value === 'string' && UUID_V4.test(value.toLowerCase());

/** Cart ids are random UUID v4 (docs/design.md §3); anything else is BAD_USER_INPUT, never a query. */
export function cartId(value: string, field: string): string {
  if (!isCartId(value)) throw badInput(`${field} is not a cart id`, field);
  return value.toLowerCase();
}

/** A product id: 24 lower-case hex digits (the product service's ObjectIds). */
export function productId(value: string, field: string): string {
  if (typeof value !== 'string' || !OBJECT_ID.test(value)) throw badInput(`${field} is not a valid product id`, field);
  return value;
}

export const orderId = (value: string): string => uuid(value, 'orderId');

/**
 * Checks the shape of every line's product id. A list longer than the cart may ever hold is left to
 * the TOO_MANY_LINES user error (returned with the unchanged cart), so it is not checked line by line.
 */
export function lineInputs(lines: readonly LineInput[], maxLines: number, field: readonly string[], unique = false): LineInput[] {
  if (lines.length > maxLines) return [...lines];
  const out = lines.map((l, i) => ({
    productId: productId(l.productId, [...field, String(i), 'productId'].join('.')),
    quantity: l.quantity,
  }));
  if (unique && new Set(out.map((l) => l.productId)).size !== out.length) throw badInput('each product may appear once', field.join('.'));
  return out;
}
