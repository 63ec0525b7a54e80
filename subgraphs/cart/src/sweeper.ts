import { startPeriodic, type Logger } from '@shop/kit';
import type { Carts } from './carts.js';
import { lookupThrough, productLoader, type FetchSnapshots } from './services.js';

/**
 * Every `intervalMs`, expires carts untouched for `ttlMs` (a field plus this sweeper, never a TTL
 * index: docs/design.md §6) and completes interrupted merges. Returns a stop function that waits for a
 * sweep in progress.
 */
export function startCartSweeper(
  carts: Carts,
  fetchSnapshots: FetchSnapshots,
  ttlMs: number,
  intervalMs: number,
  log: Logger,
): () => Promise<void> {
  return startPeriodic('cart sweep', intervalMs, log, async () => {
    // Fresh product data for each sweep: the loader caches for its lifetime.
    const expired = await carts.sweep(lookupThrough(productLoader(fetchSnapshots)), ttlMs);
    if (expired > 0) log.info({ expired }, 'expired untouched carts');
  });
}
