import DataLoader from 'dataloader';
import type { PaymentState } from './domain.js';
import type { PaymentStore } from './store.js';

/** Per-request loaders: the payments of a batch of orders in one query each for documents and records. */
export function createLoaders(store: PaymentStore) {
  return {
    paymentsOfOrder: new DataLoader<string, PaymentState[]>(
      async (ids) => {
        const found = await store.ofOrders(ids);
        return ids.map((id) => found.get(id) ?? []);
      },
      { maxBatchSize: 200 },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
