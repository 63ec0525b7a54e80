import DataLoader from 'dataloader';
import type { OrderState } from './domain.js';
import type { OrderStore } from './store.js';

/** Per-request loaders: one query per batch (orders and their transitions), results in key order, null for misses. */
export function createLoaders(store: OrderStore) {
  const order = new DataLoader<string, OrderState | null>(
    async (ids) => {
      const states = await store.load(ids);
      return ids.map((id) => states.get(id) ?? null);
    },
    { maxBatchSize: 200 },
  );
  return {
    order,
    /** States of a page of orders, in the order asked. */
    orders: async (ids: readonly string[]): Promise<(OrderState | null)[]> => {
      const found = await order.loadMany(ids);
      return found.map((s) => {
        if (s instanceof Error) throw s;
        return s;
      });
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
