import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  contentionPause,
  findByIds,
  isDuplicateKey,
  KeyedSerializer,
  MAX_CONTENDED_ATTEMPTS,
  SweepMarks,
  unswept,
  type UserError,
} from '@shop/kit';
import { diffLines, effectiveStatus, type CartState } from './domain.js';
import type { CartDoc, CartModels, CartStatus, ChangeDoc, HeadDoc, LineState } from './model.js';

/**
 * The carts' persistence (docs/design.md §6), the same technique as product's stock ledger.
 *
 * FerretDB runs every update as read-modify-write of the whole document, and a guarded
 * `findOneAndUpdate({_id, status: 'ACTIVE'}, …)` can pass its guard twice, so a cart is never
 * updated in place. Every change — lines added, updated, removed, merged in, and every status change
 * (ACTIVE → CHECKED_OUT / MERGED / EXPIRED) — is an appended record whose `_id` is
 * `<cartId>:<version>`, computed from the state it was decided on. Of two concurrent writers of the
 * same version exactly one insert succeeds, on FerretDB as on MongoDB; the loser re-reads the newer
 * state, decides again against it, and retries. So each change is validated against the exact state
 * it follows (line limits, stock, "is it still ACTIVE?"), and no quantity is lost: 20 concurrent adds
 * of one unit end at version 20 with quantity 20. Status changes go through the same log, so once a
 * MERGED or CHECKED_OUT record is in, no line change can ever land after it. Changes of one cart are
 * queued in this process, so the retries that remain are between replicas; past the bound the caller
 * gets the retryable CONFLICT.
 */

export const changeId = (cartId: string, version: number) => `${cartId}:${String(version).padStart(8, '0')}`;

export type Decision =
  /** Replace the lines; with a `dedupeKey` it is a merge, written (at most once) even if nothing changes. */
  | { kind: 'lines'; lines: LineState[]; dedupeKey?: string }
  | { kind: 'status'; status: Exclude<CartStatus, 'ACTIVE'>; mergedInto?: string; mergedBy?: string; orderId?: string }
  | { kind: 'reject'; errors: UserError[] }
  | { kind: 'keep' };

export interface UpdateResult {
  /** The state after the change (or the unchanged state when rejected or kept). */
  state: CartState;
  errors: UserError[];
  /** The change's dedupe key was already used: the merge happened before. */
  duplicate: boolean;
}

/** A cart (or a customer's set of carts) that kept losing races past the retry bound. */
export class CartConflictError extends ConflictError {
  constructor(cartId: string) {
    super(`cart ${cartId}`);
  }
}

function initialState(h: CartDoc): CartState {
  return {
    id: h._id,
    ownerId: h.ownerId,
    generation: h.generation,
    version: 0,
    status: 'ACTIVE',
    lines: [],
    createdAt: h.createdAt,
    updatedAt: h.createdAt,
    expiresAt: h.expiresAt,
    mergedInto: null,
    mergedBy: null,
    orderId: null,
  };
}

function after(state: CartState, c: ChangeDoc): CartState {
  return {
    ...state,
    version: c.version,
    status: c.status,
    lines: c.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
    updatedAt: c.at,
    expiresAt: c.expiresAt,
    mergedInto: c.mergedInto,
    mergedBy: c.mergedBy,
    orderId: c.orderId,
  };
}

export class CartStore {
  private readonly serial = new KeyedSerializer();

  private readonly sweepMarks: SweepMarks;

  constructor(
    private readonly m: CartModels,
    private readonly ttlMs: number,
  ) {
    this.sweepMarks = new SweepMarks(m.Cart);
  }

  /** Current states of many carts: headers, head pointers, then probes for newer versions. */
  async load(ids: readonly string[]): Promise<Map<string, CartState>> {
    const out = new Map<string, CartState>();
    if (ids.length === 0) return out;
    const [found, foundHeads] = await Promise.all([
      findByIds<CartDoc, string>(this.m.Cart, ids),
      findByIds<HeadDoc, string>(this.m.Head, ids),
    ]);
    const headers = found.filter((h): h is CartDoc => h !== null);
    const known = new Map(headers.map((h) => [h._id, 0]));
    for (const h of foundHeads) if (h) known.set(h._id, h.version);
    for (const h of headers) out.set(h._id, initialState(h));
    let wanted = headers.flatMap((h) => {
      const v = known.get(h._id)!;
      return v > 0 ? [changeId(h._id, v), changeId(h._id, v + 1)] : [changeId(h._id, 1)];
    });
    while (wanted.length > 0) {
      const found = await this.changes(wanted);
      const advanced: string[] = [];
      for (const c of found) {
        const cur = out.get(c.cartId)!;
        if (c.version > cur.version) out.set(c.cartId, after(cur, c));
        if (c.version > known.get(c.cartId)!) {
          known.set(c.cartId, c.version);
          advanced.push(c.cartId);
        }
      }
      wanted = advanced.map((id) => changeId(id, known.get(id)! + 1));
    }
    return out;
  }

  async get(cartId: string): Promise<CartState | null> {
    return (await this.load([cartId])).get(cartId) ?? null;
  }

  /** A new guest cart. */
  async createGuest(now = new Date()): Promise<CartState> {
    const _id = randomUUID();
    const doc: CartDoc = {
      _id,
      ownerId: null,
      generation: 0,
      slot: `g:${_id}`,
      createdAt: now,
      expiresAt: this.expiry(now),
      ...unswept(),
    };
    await this.m.Cart.create(doc);
    return initialState(doc);
  }

  /** The customer's `generation`-th cart, or null when a concurrent call created it first. */
  async createOwned(ownerId: string, generation: number, now = new Date()): Promise<CartState | null> {
    const doc: CartDoc = {
      _id: randomUUID(),
      ownerId,
      generation,
      slot: `c:${ownerId}:${generation}`,
      createdAt: now,
      expiresAt: this.expiry(now),
      ...unswept(),
    };
    try {
      await this.m.Cart.create(doc);
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
    return initialState(doc);
  }

  /** The customer's newest cart, whatever its status (only the newest can be ACTIVE). */
  async newestOwned(ownerId: string): Promise<CartState | null> {
    const h = await this.m.Cart.findOne({ ownerId }).sort({ generation: -1 }).lean();
    return h ? this.get(h._id) : null;
  }

  /**
   * Decides a change against the cart's newest state and appends it as the next version; on a
   * version collision re-reads and decides again. An ACTIVE cart found past its expiry first gets
   * its EXPIRED record, so `decide` only ever sees recorded statuses.
   */
  update(
    cartId: string,
    decide: (state: CartState) => Decision | Promise<Decision>,
    opts: { initial?: CartState; now?: Date } = {},
  ): Promise<UpdateResult | null> {
    return this.serial.run(cartId, () => this.tryUpdate(cartId, decide, opts));
  }

  private async tryUpdate(
    cartId: string,
    decide: (state: CartState) => Decision | Promise<Decision>,
    opts: { initial?: CartState; now?: Date },
  ): Promise<UpdateResult | null> {
    let state = opts.initial ?? (await this.get(cartId));
    for (let attempt = 0; attempt < MAX_CONTENDED_ATTEMPTS; attempt++) {
      if (!state) return null;
      const expire = state.status === 'ACTIVE' && effectiveStatus(state, opts.now ?? new Date()) === 'EXPIRED';
      const decision: Decision = expire ? { kind: 'status', status: 'EXPIRED' } : await decide(state);
      if (decision.kind === 'reject') return { state, errors: decision.errors, duplicate: false };
      if (decision.kind === 'keep') return { state, errors: [], duplicate: false };
      const changes = decision.kind === 'lines' ? diffLines(state.lines, decision.lines) : [];
      if (decision.kind === 'lines' && !decision.dedupeKey && changes.length === 0) return { state, errors: [], duplicate: false };
      const doc = this.record(state, decision, changes);
      try {
        await this.m.Change.create(doc);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        if (doc.dedupeKey !== doc._id && (await this.hasChange(doc.dedupeKey))) return { state, errors: [], duplicate: true };
        await contentionPause(attempt); // someone else took this version: re-read and decide again
        state = await this.get(cartId);
        continue;
      }
      await this.advanceHead(cartId, doc.version);
      state = after(state, doc);
      if (!expire) return { state, errors: [], duplicate: false };
      // The expiry is recorded; now decide on the EXPIRED cart (callers refuse it).
    }
    throw new CartConflictError(cartId);
  }

  /** Whether a change with this dedupe key (a merge) was ever written. */
  async hasChange(dedupeKey: string): Promise<boolean> {
    return (await this.m.Change.exists({ dedupeKey })) !== null;
  }

  /** Carts the sweeper has not settled, created before `createdBefore`, oldest first (keyset paging). */
  async unsettled(
    createdBefore: Date,
    afterCart: Pick<CartDoc, '_id' | 'createdAt'> | null,
    limit: number,
  ): Promise<Pick<CartDoc, '_id' | 'createdAt'>[]> {
    const page = afterCart
      ? { $or: [{ createdAt: { $gt: afterCart.createdAt } }, { createdAt: afterCart.createdAt, _id: { $gt: afterCart._id } }] }
      : {};
    return this.m.Cart.find({ ...(await this.sweepMarks.open()), createdAt: { $lte: createdBefore }, ...page }, { _id: 1, createdAt: 1 })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean()
      .exec();
  }

  /** Only the sweeper writes `sweptAt` and `unswept`, and only on carts whose status is final. */
  markSwept(cartId: string, now: Date): Promise<void> {
    return this.sweepMarks.settle(cartId, now);
  }

  /** Changes by id, one `_id` equality probe each: the change log grows with every cart edit. */
  private async changes(ids: readonly string[]): Promise<ChangeDoc[]> {
    return (await findByIds<ChangeDoc, string>(this.m.Change, ids)).filter((c): c is ChangeDoc => c !== null);
  }

  private expiry(from: Date): Date {
    return new Date(from.getTime() + this.ttlMs);
  }

  private record(state: CartState, d: Extract<Decision, { kind: 'lines' | 'status' }>, changes: ChangeDoc['changes']): ChangeDoc {
    const version = state.version + 1;
    const _id = changeId(state.id, version);
    const at = new Date();
    const base = { _id, cartId: state.id, version, at, mergedInto: null, mergedBy: null, orderId: null };
    if (d.kind === 'lines') {
      // A line change touches the cart: it lives another CART_TTL from now.
      return {
        ...base,
        kind: d.dedupeKey ? 'MERGE_IN' : 'LINES',
        changes,
        lines: d.lines,
        status: state.status,
        dedupeKey: d.dedupeKey ?? _id,
        expiresAt: this.expiry(at),
      };
    }
    return {
      ...base,
      kind: 'STATUS',
      changes: [],
      lines: state.lines,
      status: d.status,
      mergedInto: d.mergedInto ?? null,
      mergedBy: d.mergedBy ?? null,
      orderId: d.orderId ?? null,
      dedupeKey: _id,
      expiresAt: state.expiresAt,
    };
  }

  /**
   * Moves the head pointer forward. Not atomic on FerretDB, so it can lag; `load` probes past it.
   * A duplicate key here means a concurrent upsert created the head first, which is fine.
   */
  private async advanceHead(cartId: string, version: number): Promise<void> {
    try {
      await this.m.Head.updateOne({ _id: cartId, version: { $lt: version } }, { $set: { version } }, { upsert: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
}
