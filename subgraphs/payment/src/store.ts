import { findAllBy, findByIds, isDuplicateKey } from '@shop/kit';
import { stateOf, type PaymentState } from './domain.js';
import type { Model } from 'mongoose';
import type { PaymentDoc, PaymentModels, PaymentStatus, RecordDoc, SlotDoc, UnknownOutcomeDoc } from './model.js';

/**
 * The payments' persistence (docs/design.md §6), the technique of order's transitions: a payment's state
 * is never updated in place; each change is decided against the newest state and appended as the next
 * version `<paymentId>:<version>`. Of concurrent writers one wins each version; the others re-read and
 * decide again, so "still PENDING?" is always exact.
 */

const MAX_ATTEMPTS = 100;
/** A slot whose payment document never appeared (a crash in between) is stale after this long. */
const ORPHAN_SLOT_MS = 60_000;

export const recordId = (paymentId: string, version: number) => `${paymentId}:${String(version).padStart(6, '0')}`;

/**
 * Documents created before `before`, oldest first, a page at a time after `after` (the last of the
 * previous page).
 */
function olderThan<T extends { _id: string; createdAt: Date }>(
  model: Model<T>,
  before: Date,
  after: T | null,
  limit: number,
): Promise<T[]> {
  const page = after ? { $or: [{ createdAt: { $gt: after.createdAt } }, { createdAt: after.createdAt, _id: { $gt: after._id } }] } : {};
  return model
    .find({ createdAt: { $lt: before }, ...page } as never)
    .sort({ createdAt: 1, _id: 1 })
    .limit(limit)
    .lean<T[]>();
}

const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 + attempt * 2)));

export interface NewRecord {
  status: PaymentStatus;
  providerReference?: string | null;
  failureCode?: string | null;
  failureMessage?: string | null;
  providerFinal?: boolean;
  nextActionUrl?: string | null;
  refundedAmount?: number;
  note?: string | null;
  sourceEventId?: string;
  event: ((state: PaymentState, record: Omit<RecordDoc, 'event' | 'publishedAt'>) => unknown) | null;
}

export type Decision = { kind: 'append'; record: NewRecord } | { kind: 'keep' };
export const append = (record: NewRecord): Decision => ({ kind: 'append', record });
export const keep: Decision = { kind: 'keep' };
export type AppendResult = { outcome: 'appended' | 'kept' | 'duplicate'; state: PaymentState };

export class PaymentConflictError extends Error {
  constructor(paymentId: string) {
    super(`payment ${paymentId} is too contended; try again`);
    this.name = 'PaymentConflictError';
  }
}

export class PaymentStore {
  /** Called after every insert that carries an event, so the relay publishes it at once. */
  onRecorded: () => void = () => {};

  constructor(readonly m: PaymentModels) {}

  private async states(docs: PaymentDoc[]): Promise<PaymentState[]> {
    if (docs.length === 0) return [];
    // One `paymentId` equality probe per payment (docs/design.md §6, "Hot reads").
    const records = await findAllBy<RecordDoc, string>(
      this.m.Record,
      'paymentId',
      docs.map((d) => d._id),
      { version: 1 },
    );
    return docs.map((d, i) => stateOf(d, records[i]!));
  }

  async get(paymentId: string): Promise<PaymentState | null> {
    const [doc] = await findByIds<PaymentDoc, string>(this.m.Payment, [paymentId]);
    return doc ? ((await this.states([doc]))[0] ?? null) : null;
  }

  /** Payments of many orders, oldest first per order: one `orderId` equality probe per order, then their records. */
  async ofOrders(orderIds: readonly string[]): Promise<Map<string, PaymentState[]>> {
    const out = new Map<string, PaymentState[]>(orderIds.map((id) => [id, []]));
    if (orderIds.length === 0) return out;
    const docs = (await findAllBy<PaymentDoc, string>(this.m.Payment, 'orderId', orderIds, { createdAt: 1, _id: 1 })).flat();
    for (const s of await this.states(docs)) out.get(s.doc.orderId)?.push(s);
    return out;
  }

  async byIdempotencyKey(orderId: string, idempotencyKey: string): Promise<PaymentState | null> {
    const doc = await this.m.Payment.findOne({ orderId, idempotencyKey }).lean();
    return doc ? ((await this.states([doc]))[0] ?? null) : null;
  }

  /** Inserts the payment (PENDING); false if the order already has a payment with this key. */
  async create(doc: PaymentDoc): Promise<boolean> {
    try {
      await this.m.Payment.create(doc);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  // ---- the in-flight slot ----------------------------------------------------------------------------

  /**
   * Takes the order's in-flight slot for `paymentId`. On a collision returns the holder, unless the
   * holder is stale (its payment ended, or never got written): then it is cleared and taken again.
   */
  async takeSlot(orderId: string, paymentId: string, idempotencyKey: string): Promise<{ taken: true } | { taken: false; holder: SlotDoc }> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        await this.m.Slot.create({ _id: orderId, paymentId, idempotencyKey, createdAt: new Date() } satisfies SlotDoc);
        return { taken: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const holder = await this.m.Slot.findById(orderId).lean();
      if (!holder) continue; // released meanwhile
      const payment = await this.get(holder.paymentId);
      const stale = payment
        ? payment.status !== 'PENDING' && payment.status !== 'REQUIRES_ACTION'
        : Date.now() - holder.createdAt.getTime() > ORPHAN_SLOT_MS;
      if (!stale) return { taken: false, holder };
      await this.releaseSlot(orderId, holder.paymentId);
      await pause(attempt);
    }
    throw new PaymentConflictError(orderId);
  }

  /**
   * Slots taken before `before` (payments in flight for a while), oldest first, a page at a time after
   * `after` (the last slot of the previous page).
   */
  slotsOlderThan(before: Date, after: SlotDoc | null, limit: number): Promise<SlotDoc[]> {
    return olderThan(this.m.Slot, before, after, limit);
  }

  /** Frees the slot if `paymentId` holds it (deleting is idempotent). */
  async releaseSlot(orderId: string, paymentId: string): Promise<void> {
    await this.m.Slot.deleteOne({ _id: orderId, paymentId });
  }

  // ---- payments whose create call was never answered -------------------------------------------------

  /** Marks the payment's outcome as unknown (inserting twice is harmless). */
  async markUnknown(paymentId: string, orderId: string): Promise<void> {
    try {
      await this.m.Unknown.create({ _id: paymentId, orderId, createdAt: new Date() } satisfies UnknownOutcomeDoc);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  /** Marks made before `before`, oldest first, paged like `slotsOlderThan`. */
  unknownOlderThan(before: Date, after: UnknownOutcomeDoc | null, limit: number): Promise<UnknownOutcomeDoc[]> {
    return olderThan(this.m.Unknown, before, after, limit);
  }

  /** The provider told what happened (deleting is idempotent). */
  async forgetUnknown(paymentId: string): Promise<void> {
    await this.m.Unknown.deleteOne({ _id: paymentId });
  }

  // ---- cancelled orders ------------------------------------------------------------------------------

  async markOrderCancelled(orderId: string, eventId: string): Promise<void> {
    try {
      await this.m.CancelledOrder.create({ _id: orderId, eventId, at: new Date() });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  async isOrderCancelled(orderId: string): Promise<boolean> {
    return (await this.m.CancelledOrder.exists({ _id: orderId })) !== null;
  }

  // ---- appending changes -----------------------------------------------------------------------------

  /**
   * Decides a change against the newest state and appends it as the next version; on a version
   * collision re-reads and decides again. A record whose source is already recorded is a duplicate.
   */
  async append(paymentId: string, decide: (state: PaymentState) => Decision, initial?: PaymentState): Promise<AppendResult | null> {
    let state = initial ?? (await this.get(paymentId));
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (!state) return null;
      const decision = decide(state);
      if (decision.kind === 'keep') return { outcome: 'kept', state };
      const r = decision.record;
      if (r.sourceEventId && state.sourceEventIds.has(r.sourceEventId)) return { outcome: 'duplicate', state };
      const version = state.version + 1;
      const _id = recordId(paymentId, version);
      const base: Omit<RecordDoc, 'event' | 'publishedAt'> = {
        _id,
        paymentId,
        orderId: state.doc.orderId,
        version,
        status: r.status,
        providerReference: r.providerReference !== undefined ? r.providerReference : state.providerReference,
        failureCode: r.failureCode ?? null,
        failureMessage: r.failureMessage ?? null,
        providerFinal: r.providerFinal ?? false,
        nextActionUrl: r.nextActionUrl ?? null,
        refundedAmount: r.refundedAmount ?? state.refundedAmount,
        note: r.note ?? null,
        sourceEventId: r.sourceEventId ?? _id,
        at: new Date(),
      };
      const event = r.event ? r.event(state, base) : null;
      const doc: RecordDoc = { ...base, event, publishedAt: event ? null : base.at };
      try {
        await this.m.Record.create(doc);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        if (r.sourceEventId && (await this.m.Record.exists({ sourceEventId: r.sourceEventId })))
          return { outcome: 'duplicate', state: (await this.get(paymentId))! };
        await pause(attempt);
        state = await this.get(paymentId);
        continue;
      }
      if (event) this.onRecorded();
      return { outcome: 'appended', state: stateOf(state.doc, [...state.records, doc]) };
    }
    throw new PaymentConflictError(paymentId);
  }
}
