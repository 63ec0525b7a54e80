import { backoffDelay, type Logger } from '@shop/kit';

export interface ReleaseRetryPolicy {
  /** The wait before the first retry, doubled per retry up to `maxMs`. */
  baseMs: number;
  maxMs: number;
  /** How long after the first failure this process keeps trying. */
  budgetMs: number;
  /** At most this many releases are retried at once; beyond it, the sweeper's. */
  maxPending: number;
}

/** Every 1, 2, 4 … 30 s for 10 min: a product restart or a database pause is over long before. */
export const RELEASE_RETRIES: ReleaseRetryPolicy = { baseMs: 1_000, maxMs: 30_000, budgetMs: 10 * 60_000, maxPending: 1_000 };

/**
 * Gives back the reservation of a checkout that failed before its order was written (docs/design.md §5
 * step 1, compensations). A release that fails (product unreachable, its database frozen) is tried again
 * in the background with backoff, so the stock comes back soon after the outage rather than when product's
 * sweeper releases the reservation, RESERVATION_TTL after it was made. Product releases each line at most
 * once, so a retry racing a late first attempt gives nothing back twice. Whatever this process cannot
 * give back (it stops, or the budget runs out) is still the sweeper's.
 *
 * Each attempt first looks the order up: an insert that failed for its caller may have been written all
 * the same (the connection dropped after the database applied it), and that order holds its stock.
 */
export class Releases {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly ops: {
      release: (orderId: string, reason: string, requestId: string) => Promise<unknown>;
      /** Whether the order was written after all. */
      written: (orderId: string) => Promise<boolean>;
    },
    private readonly log: Logger,
    private readonly policy: ReleaseRetryPolicy = RELEASE_RETRIES,
  ) {}

  /** Releases once; on failure keeps trying in the background. Resolves whether the first try succeeded; never rejects. */
  async giveBack(orderId: string, reason: string, requestId: string): Promise<boolean> {
    if (await this.attempt(orderId, reason, requestId, 0)) return true;
    this.retryLater(orderId, reason, requestId, 1, Date.now());
    return false;
  }

  /** Releases still being retried. */
  get retrying(): number {
    return this.pending.size;
  }

  /** Stops retrying (at shutdown): what is left is the sweeper's. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.pending.values()) clearTimeout(timer);
    if (this.pending.size)
      this.log.warn({ releases: this.pending.size }, 'stopping with releases still to retry; the reservation sweeper will');
    this.pending.clear();
  }

  private async attempt(orderId: string, reason: string, requestId: string, retry: number): Promise<boolean> {
    try {
      if (await this.ops.written(orderId)) {
        this.log.warn({ orderId }, 'the order was written after all: its reservation stays');
        return true;
      }
      await this.ops.release(orderId, reason, requestId);
      if (retry > 0) this.log.info({ orderId, retry }, 'reservation released on retry');
      return true;
    } catch (err) {
      this.log.warn({ err, orderId, retry }, 'releasing the reservation failed');
      return false;
    }
  }

  private retryLater(orderId: string, reason: string, requestId: string, retry: number, firstFailedAt: number): void {
    if (this.stopped) return;
    const delay = backoffDelay(retry - 1, this.policy);
    if (Date.now() + delay - firstFailedAt > this.policy.budgetMs) {
      this.log.error({ orderId, retries: retry - 1 }, 'releasing the reservation keeps failing; the reservation sweeper will');
      return;
    }
    if (this.pending.size >= this.policy.maxPending) {
      this.log.error({ orderId, pending: this.pending.size }, 'too many releases to retry; the reservation sweeper will release this one');
      return;
    }
    const timer = setTimeout(() => {
      this.pending.delete(orderId);
      void this.attempt(orderId, reason, requestId, retry).then((done) => {
        if (!done) this.retryLater(orderId, reason, requestId, retry + 1, firstFailedAt);
      });
    }, delay);
    timer.unref();
    this.pending.set(orderId, timer);
  }
}
