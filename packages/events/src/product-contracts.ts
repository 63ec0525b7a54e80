import { z } from 'zod';

/** The product service's event contracts (docs/design.md §5, §9); registered in `EVENT_SCHEMAS` (contracts.ts). */

const ObjectIdHex = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-digit lower-case hex ObjectId');

/**
 * `shop.product.changed.v1` — published by **product** for every product revision it records (create,
 * update, archive, a refused slug): the product's listing keys at `version`, the revision number. Consumed
 * by every product replica's listing read model (an ordered consumer per replica, no durable), which
 * applies it only when `version` is newer than what it holds. Its event id is derived from the revision.
 */
export const ProductChangedV1 = z.object({
  productId: ObjectIdHex,
  version: z.int().positive(),
  status: z.enum(['ACTIVE', 'ARCHIVED']),
  price: z.int().nonnegative(),
  /** The NAME_ASC sort key (lower-cased, accent-free name). */
  nameKey: z.string().max(500),
  /** The words a search matches by prefix. */
  searchText: z.string().max(20_000),
  /** Every category the product is in, with their ancestors. */
  categoryPath: z.array(ObjectIdHex).max(1_000),
  createdAt: z.iso.datetime({ offset: true }),
});

/**
 * `shop.product.stock-changed.v1` — published by **product** when a stock movement takes a product's
 * balance from zero to positive or back (its in-stock flag changes); `version` is the movement's ledger
 * version. Consumed by every product replica's listing read model (the `inStock` filter), applied only
 * when `version` is newer than what it holds. Its event id is derived from the movement.
 */
export const ProductStockChangedV1 = z.object({
  productId: ObjectIdHex,
  version: z.int().positive(),
  available: z.int().nonnegative(),
});
