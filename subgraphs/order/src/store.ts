import {
  claimByInsert,
  ConflictError,
  contentionPause,
  findAllBy,
  findByIds,
  GaplessNumbering,
  isDuplicateKey,
  type Numbering,
  KeyedSerializer,
  MAX_CONTENDED_ATTEMPTS,
  SweepMarks,
  unswept,
} from '@shop/kit';
import { orderNumber, stateOf, type OrderState } from './domain.js';
import type { DeadlineDoc, OrderDoc, OrderModels, OrderStatus, TransitionDoc, TransitionKind } from './model.js';

/**
 * The orders' persistence (docs/design.md §6), the same technique as product's stock ledger and the
 * cart log. FerretDB runs every update as read-modify-write of the whole document and a guarded
 * `findOneAndUpdate({_id, status})` can pass its guard twice, so an order's status is never updated in
 * place: each change is decided against the newest state and appended as the record with the next
 * version, `_id = <orderId>:<version>`. Of concurrent writers exactly one wins each version; the others
 * re-read and decide again against what won (so "still PENDING_PAYMENT?" is always exact).
 * Writers of one order (and checkouts of one year's numbers) are queued in this process, so the
 * retries that remain are between replicas; past the bound the caller gets the retryable CONFLICT.
 */

export const transitionId = (orderId: string, version: number) => `${orderId}:${String(version).padStart(6, '0')}`;

/** A change to append, decided against the state it follows. */
export interface NewRecord {
  kind: TransitionKind;
  status: OrderStatus;
  note: string | null;
  actor: string;
  tracking?: { carrier: string; trackingNumber: string };
  paymentId?: string;
  /** The consumed event that caused it: a second delivery collides on this unique key. */
  sourceEventId?: string;
  /** Builds the event to publish for this record (null: nothing to publish). */
  event: ((record: Omit<TransitionDoc, 'event' | 'publishedAt'>) => unknown) | null;
}

export type Decision<R> = { kind: 'append'; record: NewRecord } | { kind: 'keep'; result: R };

export type AppendResult<R> =
  | { outcome: 'appended'; state: OrderState; record: TransitionDoc }
  | { outcome: 'kept'; state: OrderState; result: R }
  | { outcome: 'duplicate'; state: OrderState };

/** What a checkout's insert came to: a new order, or the one an earlier checkout with the same key placed. */
export interface PlaceResult {
  placed: boolean;
  state: OrderState;
}

export class OrderStore {
  /** Called after every insert that carries an event, so the relay publishes it at once. */
  onRecorded: () => void = () => {};

  private readonly serial = new KeyedSerializer();
  /** Gapless `(year, seq)`: equality probes from a remembered hint, never a sort (kit's numbering.ts). */
  private readonly numbers: Numbering;
  /** The payment deadlines' `unswept` flag: what the sweeper finds open deadlines by (kit's sweep.ts). */
  private readonly deadlineMarks: SweepMarks;

  constructor(
    readonly m: OrderModels,
    numbers?: Numbering,
  ) {
    this.numbers =
      numbers ??
      new GaplessNumbering(
        m.OrderNumber,
        async (year, seq) => (await m.Order.exists({ year: Number(year), seq })) !== null,
        'order numbering',
      );
    this.deadlineMarks = new SweepMarks(m.Deadline);
  }

  /**
   * Current states of many orders: per order, the document by `_id` and its transitions by `orderId`,
   * equality probes only (docs/design.md §6, "Hot reads"), so the cost does not grow with the orders stored.
   */
  async load(ids: readonly string[]): Promise<Map<string, OrderState>> {
    const out = new Map<string, OrderState>();
    if (ids.length === 0) return out;
    const [orders, transitions] = await Promise.all([
      findByIds<OrderDoc, string>(this.m.Order, ids),
      findAllBy<TransitionDoc, string>(this.m.Transition, 'orderId', ids, { version: 1 }),
    ]);
    orders.forEach((o, i) => {
      if (o) out.set(o._id, stateOf(o, transitions[i]!));
    });
    return out;
  }

  async get(orderId: string): Promise<OrderState | null> {
    return (await this.load([orderId])).get(orderId) ?? null;
  }

  /** Whether an order with this id was written. */
  async exists(orderId: string): Promise<boolean> {
    return (await this.m.Order.exists({ _id: orderId })) !== null;
  }

  /** The order a checkout of this cart with this key wrote, if any. */
  async byIdempotencyKey(cartId: string, idempotencyKey: string): Promise<OrderState | null> {
    const doc = await this.m.Order.findOne({ cartId, idempotencyKey }, { _id: 1 }).lean();
    return doc ? this.get(doc._id) : null;
  }

  /**
   * Inserts the order with the next number of its UTC year (kit's GaplessNumbering: one more than a
   * number that exists, so none is skipped; a collision means another process took it). A collision
   * on `(cartId, idempotencyKey)` means a concurrent checkout with the same key won: its order is
   * returned instead.
   */
  place(order: Omit<OrderDoc, 'number' | 'year' | 'seq' | 'event' | 'publishedAt'>, event: (o: OrderDoc) => unknown): Promise<PlaceResult> {
    const year = order.createdAt.getUTCFullYear();
    return claimByInsert<PlaceResult>(
      this.numbers,
      String(year),
      async (seq) => {
        const base: OrderDoc = { ...order, number: orderNumber(year, seq), year, seq, event: null, publishedAt: null };
        const doc: OrderDoc = { ...base, event: event(base) };
        await this.m.Order.create(doc);
        this.onRecorded();
        return { placed: true, state: stateOf(doc, []) };
      },
      async () => {
        const existing = await this.byIdempotencyKey(order.cartId, order.idempotencyKey);
        return existing ? { placed: false, state: existing } : null;
      },
    );
  }

  /**
   * Decides a change against the order's newest state and appends it as the next version; on a
   * version collision re-reads and decides again. A record whose source event is already recorded
   * is a duplicate delivery: nothing happens.
   */
  append<R>(orderId: string, decide: (state: OrderState) => Decision<R>, initial?: OrderState): Promise<AppendResult<R> | null> {
    return this.serial.run(`order:${orderId}`, () => this.tryAppend(orderId, decide, initial));
  }

  private async tryAppend<R>(
    orderId: string,
    decide: (state: OrderState) => Decision<R>,
    initial?: OrderState,
  ): Promise<AppendResult<R> | null> {
    let state = initial ?? (await this.get(orderId));
    for (let attempt = 0; attempt < MAX_CONTENDED_ATTEMPTS; attempt++) {
      if (!state) return null;
      const decision = decide(state);
      if (decision.kind === 'keep') return { outcome: 'kept', state, result: decision.result };
      const r = decision.record;
      if (r.sourceEventId && state.sourceEventIds.has(r.sourceEventId)) return { outcome: 'duplicate', state };
      const version = state.version + 1;
      const _id = transitionId(orderId, version);
      const base: Omit<TransitionDoc, 'event' | 'publishedAt'> = {
        _id,
        orderId,
        version,
        kind: r.kind,
        from: state.status,
        status: r.status,
        at: new Date(),
        note: r.note,
        actor: r.actor,
        tracking: r.tracking ?? null,
        paymentId: r.paymentId ?? null,
        sourceEventId: r.sourceEventId ?? _id,
        orderCreatedAt: state.order.createdAt,
      };
      const event = r.event ? r.event(base) : null;
      // A record with nothing to publish is born published (the relay skips it).
      const doc: TransitionDoc = { ...base, event, publishedAt: event ? null : base.at };
      try {
        await this.m.Transition.create(doc);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        if (r.sourceEventId && (await this.m.Transition.exists({ sourceEventId: r.sourceEventId })))
          return { outcome: 'duplicate', state: (await this.get(orderId))! };
        await contentionPause(attempt); // someone else took this version: re-read and decide again
        state = await this.get(orderId);
        continue;
      }
      if (event) this.onRecorded();
      return { outcome: 'appended', state: stateOf(state.order, [...state.records, doc]), record: doc };
    }
    throw new ConflictError(`order ${orderId}`);
  }

  // ---- payment deadlines -------------------------------------------------------------------------------

  async addDeadline(orderId: string, dueAt: Date): Promise<void> {
    await this.m.Deadline.create({ _id: orderId, dueAt, ...unswept() } satisfies DeadlineDoc);
  }

  /** Deadlines passed by `now` that the sweeper has not settled, oldest first. */
  async dueDeadlines(now: Date, limit: number): Promise<DeadlineDoc[]> {
    return this.m.Deadline.find({ ...(await this.deadlineMarks.open()), dueAt: { $lte: now } })
      .sort({ dueAt: 1, _id: 1 })
      .limit(limit)
      .lean()
      .exec();
  }

  /** Only the sweeper writes `sweptAt` and `unswept` (one writer per mutable document). */
  settleDeadline(orderId: string, now: Date): Promise<void> {
    return this.deadlineMarks.settle(orderId, now);
  }
}
