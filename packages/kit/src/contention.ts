import { GraphQLError } from 'graphql';
import { backoffDelay } from './backoff.js';

/**
 * Contention on one aggregate (docs/design.md §6): writers append the next version and the loser of a
 * collision re-reads and retries. Three pieces every store shares:
 * - `KeyedSerializer` lets one writer per key per process go to the database at a time, so retries
 *   happen only between processes, not between the requests of one process (no retry storm);
 * - `contentionPause` spaces the retries that remain with full jitter, growing to a cap;
 * - `ConflictError` is what a caller sees when the bounded retries still lost: the public, retryable
 *   code `CONFLICT` (never INTERNAL_SERVER_ERROR). The same request may simply be sent again.
 */

/** Attempts a contended write makes before answering CONFLICT: generous, since each lost race means progress for another writer. */
export const MAX_CONTENDED_ATTEMPTS = 200;

/** Waits a random 0..min(capMs, baseMs·2^attempt) ms before retry `attempt` (0-based). */
export function contentionPause(attempt: number, { baseMs = 2, capMs = 100 } = {}): Promise<void> {
  const ceiling = backoffDelay(attempt, { baseMs, maxMs: capMs });
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/** The public code of a change that lost to concurrent changes more often than the retry bound allows. */
export const CONFLICT = 'CONFLICT';

export class ConflictError extends GraphQLError {
  constructor(what: string) {
    super(`${what} is being changed by too many requests at once; try again`, { extensions: { code: CONFLICT, retryable: true } });
    this.name = 'ConflictError';
  }
}

export const isConflict = (err: unknown): boolean =>
  err instanceof ConflictError || (err instanceof GraphQLError && err.extensions.code === CONFLICT);

/**
 * Runs tasks of the same key one after another in this process, tasks of different keys in parallel.
 * A failing task does not stop the ones queued after it. Keys are forgotten when their queue empties.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
