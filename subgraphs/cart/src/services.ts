import DataLoader from 'dataloader';
import { serviceClient, withRetryableErrors, type Signer } from '@shop/kit';
import { CartProductSnapshotsDocument } from './__generated__/product-operations.js';
import type { Products, ProductSnapshot } from './domain.js';

/** Snapshots of `ids` in key order, null for unknown products: one HTTP call. */
export type FetchSnapshots = (ids: readonly string[], requestId?: string) => Promise<(ProductSnapshot | null)[]>;

/** As many ids as one call carries (the product service's limit): a claim prices two carts of at most MAX_CART_LINES (≤ 250). */
export const MAX_SNAPSHOT_IDS = 500;

/**
 * The product service's internal query for what a cart needs of its products (docs/design.md §5):
 * CartProductSnapshots in ./operations/product.graphql, typed against the product subgraph's SDL.
 */
export function productClient(opts: { url: string; signer: Signer; timeoutMs: number }): FetchSnapshots {
  // A product service that does not answer in time is SERVICE_UNAVAILABLE (retryable) to the client.
  const call = withRetryableErrors(serviceClient({ target: 'product', ...opts }));
  return async (ids, requestId) => (await call(CartProductSnapshotsDocument, { ids: [...ids] }, requestId)).productSnapshots;
}

/**
 * Products by id for one request (or one sweep): every load of the same tick goes in one call, and
 * results are cached, so a request asks the product service once however many lines it prices.
 */
export function productLoader(fetchSnapshots: FetchSnapshots, requestId?: string): DataLoader<string, ProductSnapshot | null> {
  return new DataLoader(
    async (ids) => {
      const snapshots = await fetchSnapshots(ids, requestId);
      const byId = new Map(snapshots.filter((s): s is ProductSnapshot => s !== null).map((s) => [s.id, s]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    { maxBatchSize: MAX_SNAPSHOT_IDS },
  );
}

/** Looks up many products at once through a loader; a failed call fails the lookup. */
export type ProductLookup = (ids: readonly string[]) => Promise<Products>;

export function lookupThrough(loader: DataLoader<string, ProductSnapshot | null>): ProductLookup {
  return async (ids) => {
    const unique = [...new Set(ids)];
    const found = await loader.loadMany(unique);
    const out = new Map<string, ProductSnapshot | null>();
    unique.forEach((id, i) => {
      const value = found[i];
      if (value instanceof Error) throw value;
      out.set(id, value ?? null);
    });
    return out;
  };
}
