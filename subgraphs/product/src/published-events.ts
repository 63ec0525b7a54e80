import { createEvent, derivedEventId, type EventEnvelope } from '@shop/events';
import type { Types } from 'mongoose';
import type { ProductState } from './model.js';

/**
 * What the product service publishes (docs/design.md §5), one builder per event. Both feed the listing
 * read model of every product replica (docs/design.md §9); ids are derived from the record that makes
 * the change, so a re-publication is a duplicate for JetStream and a no-op for the model (versions).
 */

/** `shop.product.changed.v1` for revision `version` of a product, carried by that revision. */
export function productChangedEvent(
  productId: Types.ObjectId,
  version: number,
  state: ProductState,
): EventEnvelope<'shop.product.changed.v1'> {
  const id = productId.toHexString();
  return createEvent(
    'shop.product.changed.v1',
    {
      productId: id,
      version,
      status: state.status,
      price: state.price,
      nameKey: state.nameKey,
      searchText: state.searchText,
      categoryPath: state.categoryPath.map((c) => c.toHexString()),
      createdAt: state.createdAt.toISOString(),
    },
    {
      source: 'product',
      correlationId: `product:${id}`,
      id: derivedEventId(`product.changed:${id}:${version}`),
      occurredAt: state.updatedAt,
    },
  );
}

/** `shop.product.stock-changed.v1` for the ledger movement `version` that flipped the product's in-stock flag. */
export function stockChangedEvent(productId: Types.ObjectId, version: number, available: number, at: Date) {
  const id = productId.toHexString();
  return createEvent(
    'shop.product.stock-changed.v1',
    { productId: id, version, available },
    { source: 'product', correlationId: `product:${id}`, id: derivedEventId(`product.stock-changed:${id}:${version}`), occurredAt: at },
  );
}
