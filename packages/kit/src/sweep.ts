import type { Logger } from './logger.js';

/**
 * Sweepers (cart expiry, reservation expiry, payment deadlines) look again and again at the documents
 * they have not settled yet, in collections that grow with every purchase. How they find those without
 * reading the collection (docs/design.md §6, "Hot reads"): a document is inserted with
 * `unswept: true`, and its sweeper, the only writer of these fields after the insert, sets `sweptAt` and
 * `unswept: false` when it settles it. `{ unswept: true }` is a top-level boolean equality, which
 * FerretDB's PostgreSQL backend pushes down and a GIN twin of the `{ unswept: 1, … }` index answers
 * (`{ sweptAt: null }` is never pushed down: null is not), so a sweep reads the open documents, sorts
 * only those, and costs the same with ten orders stored or a million. Documents written before the
 * flag existed are adopted once, on the first sweep of the process.
 */

/** The fields a sweepable document is inserted with. */
export const unswept = () => ({ sweptAt: null, unswept: true }) as const;

/** What `SweepMarks` needs of a mongoose model. */
export interface SweepableModel {
  updateMany(filter: Record<string, unknown>, update: Record<string, unknown>): { exec(): Promise<unknown> };
  updateOne(filter: Record<string, unknown>, update: Record<string, unknown>): { exec(): Promise<unknown> };
}

/** The `unswept` flag of one collection: the filter of open documents, and settling one. */
export class SweepMarks {
  /** The one adoption of pre-flag documents this process runs (null again after a failure). */
  private adopted: Promise<unknown> | null = null;

  constructor(private readonly model: SweepableModel) {}

  /**
   * The filter of documents not yet settled. The first call of the process adopts the open documents
   * that predate the flag (one scan, then never again); a failed adoption is retried on the next call.
   */
  async open(): Promise<{ unswept: true }> {
    this.adopted ??= this.model.updateMany({ unswept: { $exists: false }, sweptAt: null }, { $set: { unswept: true } }).exec();
    try {
      await this.adopted;
    } catch (err) {
      this.adopted = null;
      throw err;
    }
    return { unswept: true };
  }

  /** Marks a document settled: later sweeps no longer read it. */
  async settle(id: string, now: Date): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { sweptAt: now, unswept: false } }).exec();
  }
}

/**
 * Runs `sweep` every `intervalMs`, never two at once in this process (a sweep that outlasts the interval
 * makes the next tick skip), logging a failure and going on. Returns a stop function that waits for a
 * sweep in progress.
 */
export function startPeriodic(what: string, intervalMs: number, log: Logger, sweep: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = sweep()
      .catch((err: unknown) => log.error({ err }, `${what} failed`))
      .finally(() => (busy = false));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
