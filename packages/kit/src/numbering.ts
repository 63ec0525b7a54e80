import { Schema, type Model } from 'mongoose';
import { ConflictError, contentionPause, KeyedSerializer, MAX_CONTENDED_ATTEMPTS } from './contention.js';
import { isDuplicateKey } from './mongo.js';

/**
 * Gapless numbers per scope (an order's or an invoice's year) without "sort all, take the highest"
 * (docs/design.md §6). The numbered document itself is the claim: its unique `(year, seq)` is taken by
 * inserting it with `seq` = one more than a number that exists, so the numbers of a scope are always
 * exactly 1..n and a crash leaves no gap (before the insert nothing is claimed, after it the document
 * exists). A separate slot document claimed first would be a second write: a crash between the two
 * would leave a number claimed with nothing behind it.
 *
 * Finding n: after each insert a marker `_id = <scope>:<seq>` is written, so "does seq exist" is an
 * `_id` probe (the one filter every FerretDB backend pushes down). A marker is only a hint: one missing
 * (a crash between the two writes) makes a search answer too low, the insert then collides, and the
 * collision both proves the number exists and writes its marker. The markers of 1..n exist, so
 * existence is monotone: from a number known to exist, gallop (+1, +2, +4 …) to the first that does
 * not, then bisect — O(log gap) probes. The common case reads nothing: each process remembers the
 * last number it used and tries the next.
 */

/** A number's marker: `_id` = `<scope>:<seq>`, nothing else. */
export interface NumberMarkerDoc {
  _id: string;
}

/** The schema of a numbering's markers (one collection per numbered collection, e.g. `order_numbers`). */
export const numberMarkerSchema = () =>
  new Schema<NumberMarkerDoc>({ _id: { type: String, required: true } }, { versionKey: false, autoIndex: false });

export const markerId = (scope: string, seq: number) => `${scope}:${String(seq).padStart(9, '0')}`;

/** Resolves true when number `seq` exists. */
export type SeqProbe = (seq: number) => Promise<boolean>;

/**
 * The highest existing number, given that `known` exists (or is 0) and the existing numbers are
 * exactly 1..n. Probes `known + 1` first, so from an up-to-date hint it costs one probe.
 */
export async function highestExisting(exists: SeqProbe, known = 0): Promise<number> {
  if (!Number.isSafeInteger(known) || known < 0) throw new RangeError(`highestExisting: known must be a whole number ≥ 0, not ${known}`);
  let lo = known;
  let hi = 0;
  for (let step = 1; ; step *= 2) {
    if (!(await exists(lo + step))) {
      hi = lo + step;
      break;
    }
    lo += step;
  }
  // lo exists, hi does not
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (await exists(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** What one try with a number came to: the number was taken by someone else, or an outcome. */
export type ClaimAttempt<T> =
  | { kind: 'taken' }
  /** `inserted`: the number is now used by this call; false when the result is something that already existed (an idempotent repeat). */
  | { kind: 'done'; inserted: boolean; result: T };

/**
 * One try with number `seq`: insert the document numbered `seq` and answer `done`, or answer an outcome
 * without inserting. On a duplicate key, `numberTaken()` says whether `seq` is known to be taken (its
 * marker exists); if not, the duplicate may be the caller's own idempotency key: look, and answer
 * `taken` only if it was not.
 */
export type Attempt<T> = (seq: number, numberTaken: () => Promise<boolean>) => Promise<ClaimAttempt<T>>;

/** What a store needs of a numbering (the bench puts the old "sort all" one in its place as the baseline). */
export interface Numbering {
  claim<T>(scope: string, attempt: Attempt<T>): Promise<T>;
}

/**
 * The usual attempt, for a store: `insert(seq)` writes the document numbered `seq` and returns what the
 * caller gets; on a duplicate key a marked number was taken, else `earlier()` looks for the document
 * this call repeats (its idempotency key or unique reference; FerretDB does not name the index at
 * fault) and returns what the caller gets then, or null: the number was taken.
 */
export function claimByInsert<T>(
  numbering: Numbering,
  scope: string,
  insert: (seq: number) => Promise<T>,
  earlier: () => Promise<T | null>,
): Promise<T> {
  return numbering.claim(scope, async (seq, numberTaken): Promise<ClaimAttempt<T>> => {
    try {
      return { kind: 'done', inserted: true, result: await insert(seq) };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      if (await numberTaken()) return { kind: 'taken' };
      const result = await earlier();
      return result === null ? { kind: 'taken' } : { kind: 'done', inserted: false, result };
    }
  });
}

/** Numbers tried one after another after a lost race before searching for the highest. */
const DIRECT_TRIES = 2;

/**
 * Hands out the numbers of each scope. Claims of one scope are queued in this process (one insert in
 * flight per scope per process), so collisions happen only between processes.
 */
export class GaplessNumbering implements Numbering {
  private readonly serial = new KeyedSerializer();
  private readonly last = new Map<string, number>();

  /**
   * @param markers the numbering's marker collection
   * @param numbered whether the numbered document `seq` of `scope` exists (an equality probe such as
   *   `exists({ year, seq })`): asked once per scope when a process starts numbering, to catch up
   *   markers that are behind the documents (written before markers existed, or a crash)
   * @param what names the numbering in the CONFLICT error
   * @param maxAttempts tries before CONFLICT (default MAX_CONTENDED_ATTEMPTS)
   */
  constructor(
    private readonly markers: Model<NumberMarkerDoc>,
    private readonly numbered: (scope: string, seq: number) => Promise<boolean>,
    private readonly what: string,
    private readonly maxAttempts = MAX_CONTENDED_ATTEMPTS,
  ) {}

  /** Whether number `seq` of `scope` is marked as used: an `_id` probe. */
  async exists(scope: string, seq: number): Promise<boolean> {
    return (await this.markers.exists({ _id: markerId(scope, seq) })) !== null;
  }

  /**
   * Calls `attempt(seq)` with the next number of `scope` until it is not `taken`; past the retry
   * bound: the retryable CONFLICT.
   */
  claim<T>(scope: string, attempt: Attempt<T>): Promise<T> {
    return this.serial.run(scope, async () => {
      const search = (from: number) => highestExisting((s) => this.exists(scope, s), from);
      let known = this.last.get(scope);
      for (let i = 0, lost = 0; i < this.maxAttempts; i++) {
        const seq = (known ?? (await this.start(scope))) + 1;
        let marked = false;
        const outcome = await attempt(seq, async () => (marked = await this.exists(scope, seq)));
        if (outcome.kind === 'done') {
          if (!outcome.inserted) return outcome.result;
          this.last.set(scope, seq);
          await this.mark(scope, seq);
          return outcome.result;
        }
        // seq exists. Racing replicas are mostly one number apart, so the next number is tried at once
        // (the insert is the probe); after DIRECT_TRIES losses in a row this process is further behind.
        this.last.delete(scope);
        if (!marked) await this.mark(scope, seq); // its writer crashed before marking it, or has not yet
        if (i > 0) await contentionPause(i - 1);
        known = ++lost % DIRECT_TRIES === 0 ? await search(seq) : seq;
      }
      throw new ConflictError(this.what);
    });
  }

  /** The highest number of `scope` when this process has none: by markers, caught up with the documents if behind. */
  private async start(scope: string): Promise<number> {
    const marked = await highestExisting((s) => this.exists(scope, s), 0);
    if (!(await this.numbered(scope, marked + 1))) return marked;
    const highest = await highestExisting((s) => this.numbered(scope, s), marked + 1);
    for (let from = marked + 1; from <= highest; from += 500) {
      const docs = Array.from({ length: Math.min(500, highest - from + 1) }, (_, i) => ({ _id: markerId(scope, from + i) }));
      try {
        await this.markers.insertMany(docs, { ordered: false });
      } catch (err) {
        // The driver lists one write error or an array of them; duplicates mean another process marked those.
        const listed = (err as { writeErrors?: unknown }).writeErrors;
        if (!isDuplicateKey(err) && !(listed !== undefined && [listed].flat().every((e) => isDuplicateKey(e)))) throw err;
      }
    }
    return highest;
  }

  /** Writes the marker of a number that exists; a duplicate means another process marked it first. */
  private async mark(scope: string, seq: number): Promise<void> {
    try {
      await this.markers.create({ _id: markerId(scope, seq) });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
}
