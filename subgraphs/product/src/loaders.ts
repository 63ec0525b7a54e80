import DataLoader from 'dataloader';
import { findByIds } from '@shop/kit';
import { Types } from 'mongoose';
import type { CategoryDoc, ProductDoc, ProductModels } from './model.js';
import { availabilityStatus, type AvailabilityView } from './domain.js';
import type { StockLedger } from './stock.js';

/** Per-request loaders: one query per batch, results in key order, null for misses. */
export function createLoaders(m: ProductModels, ledger: StockLedger, lowStockThreshold: number) {
  const byKey = <T extends { _id: Types.ObjectId }>(docs: T[], keys: readonly string[]) => {
    const found = new Map(docs.map((d) => [d._id.toHexString(), d]));
    return keys.map((k) => found.get(k) ?? null);
  };
  return {
    product: new DataLoader<string, ProductDoc | null>(
      async (ids) =>
        byKey(
          await findByIds(
            m.Product,
            ids.map((id) => new Types.ObjectId(id)),
          ).lean(),
          ids,
        ),
      { maxBatchSize: 500 },
    ),
    category: new DataLoader<string, CategoryDoc | null>(async (ids) =>
      byKey(await m.Category.find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } }).lean(), ids),
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
