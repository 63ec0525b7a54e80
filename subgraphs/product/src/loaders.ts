import DataLoader from 'dataloader';
import { findByIds } from '@shop/kit';
import { Types } from 'mongoose';
import type { CategoryDoc, ProductDoc, ProductModels } from './model.js';
import { availabilityStatus, type AvailabilityView } from './domain.js';
import type { StockLedger } from './stock.js';

/**
 * Per-request loaders: results in key order, null for misses; each batch is `_id` equality probes in
 * parallel, never `$in` (docs/design.md §6, "Hot reads").
 */
export function createLoaders(m: ProductModels, ledger: StockLedger, lowStockThreshold: number) {
  return {
    product: new DataLoader<string, ProductDoc | null>(
      (ids) =>
        findByIds<ProductDoc, Types.ObjectId>(
          m.Product,
          ids.map((id) => new Types.ObjectId(id)),
        ),
      { maxBatchSize: 500 },
    ),
    category: new DataLoader<string, CategoryDoc | null>((ids) =>
      findByIds<CategoryDoc, Types.ObjectId>(
        m.Category,
        ids.map((id) => new Types.ObjectId(id)),
      ),
    ),
    availability: new DataLoader<string, AvailabilityView>(
      async (ids) => {
        const levels = await ledger.levels(ids.map((id) => new Types.ObjectId(id)));
        return ids.map((id) => {
          const available = levels.get(id)?.balance ?? 0;
          return { available, status: availabilityStatus(available, lowStockThreshold) };
        });
      },
      { maxBatchSize: 500 },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
