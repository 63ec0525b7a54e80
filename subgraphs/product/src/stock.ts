import { randomUUID } from 'node:crypto';
import { type Types } from 'mongoose';
import { ConflictError, contentionPause, findByIds, isDuplicateKey, KeyedSerializer, MAX_CONTENDED_ATTEMPTS } from '@shop/kit';
import { outboxDoc } from '@shop/events';
import type { MovementDoc, MovementKind, ProductModels, StockHeadDoc } from './model.js';
import { stockChangedEvent } from './published-events.js';

/**
 * The stock ledger (docs/design.md §6): every change is an appended movement whose `_id` is
 * `<productId>:<version>`. Two writers of the same version collide on insert; the loser re-reads and
 * retries. Nothing here updates a movement in place, so it is exact on FerretDB as on MongoDB.
 * Appends to one product are queued in this process, so the retries that remain are between replicas;
 * past the bound the caller gets the retryable CONFLICT.
 */

export const movementId = (productId: Types.ObjectId, version: number) => `${productId.toHexString()}:${String(version).padStart(10, '0')}`;

export interface Level {
  version: number;
  balance: number;
}

export type AppendResult = { ok: true; movement: MovementDoc; duplicate: boolean } | { ok: false; available: number };

export class StockLedger {
  private readonly serial = new KeyedSerializer();
  /** The level after this process's last append to each product (a hint: the insert checks it). */
  private readonly known = new Map<string, Level>();
  /** Called once a movement is appended, before `append` returns: the listing model takes the new level. */
  onAppended: (productId: Types.ObjectId, level: Level) => void = () => {};
  /** Called after an outbox record is written (the event side kicks its relay). */
  onRecorded: () => void = () => {};

  constructor(private readonly m: ProductModels) {}

  /** Current levels for many products: the head pointers, then probes for newer versions. */
  async levels(productIds: readonly Types.ObjectId[]): Promise<Map<string, Level>> {
    const out = new Map<string, Level>();
    if (productIds.length === 0) return out;
    // `_id` equality probes only: the movements grow with every reservation (docs/design.md §6, "Hot reads").
    const heads = await findByIds<StockHeadDoc, Types.ObjectId>(this.m.StockHead, productIds);
    for (const id of productIds) out.set(id.toHexString(), { version: 0, balance: 0 });
    for (const h of heads) if (h) out.set(h._id.toHexString(), { version: h.version, balance: h.balance });
    let pending = [...productIds];
    while (pending.length > 0) {
      const probes = pending.map((id) => movementId(id, out.get(id.toHexString())!.version + 1));
      const found = (await findByIds<MovementDoc, string>(this.m.Movement, probes)).filter((mv): mv is MovementDoc => mv !== null);
      for (const mv of found) out.set(mv.productId.toHexString(), { version: mv.version, balance: mv.balance });
      const advanced = new Set(found.map((mv) => mv.productId.toHexString()));
      pending = pending.filter((id) => advanced.has(id.toHexString()));
    }
    return out;
  }

  async level(productId: Types.ObjectId): Promise<Level> {
    return (await this.levels([productId])).get(productId.toHexString())!;
  }

  /**
   * Appends a movement of `delta` units unless the balance would go below zero. `dedupeKey` makes the
   * append happen at most once: a second call with the same key returns the first movement.
   */
  async append(
    productId: Types.ObjectId,
    kind: MovementKind,
    delta: number,
    opts: { dedupeKey?: string; orderId?: string | null; reason?: string | null } = {},
  ): Promise<AppendResult> {
    return this.serial.run(productId.toHexString(), () =>
      this.tryAppend(productId, kind, delta, opts.dedupeKey ?? `adj:${randomUUID()}`, opts),
    );
  }

  private async tryAppend(
    productId: Types.ObjectId,
    kind: MovementKind,
    delta: number,
    dedupeKey: string,
    opts: { orderId?: string | null; reason?: string | null },
  ): Promise<AppendResult> {
    const key = productId.toHexString();
    // This process's last append is usually still the newest: try the next version without reading.
    // If another replica appended meanwhile, the insert collides and the true level is read.
    let hinted = this.known.get(key);
    let cur = hinted ?? (await this.level(productId));
    for (let attempt = 0; attempt < MAX_CONTENDED_ATTEMPTS; attempt++) {
      if (hinted && cur.balance + delta < 0) {
        hinted = undefined; // another replica may have added stock: refuse only on the true level
        cur = await this.level(productId);
      }
      const balance = cur.balance + delta;
      if (balance < 0) return { ok: false, available: cur.balance };
      const doc: MovementDoc = {
        _id: movementId(productId, cur.version + 1),
        productId,
        version: cur.version + 1,
        kind,
        quantity: delta,
        balance,
        orderId: opts.orderId ?? null,
        reason: opts.reason ?? null,
        dedupeKey,
        at: new Date(),
      };
      try {
        await this.m.Movement.create(doc);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        this.known.delete(key);
        const earlier = await this.byKey(dedupeKey);
        if (earlier) return { ok: true, movement: earlier, duplicate: true };
        if (!hinted) await contentionPause(attempt); // someone else took this version: re-read and retry
        hinted = undefined;
        cur = await this.level(productId);
        continue;
      }
      this.known.set(key, { version: doc.version, balance });
      if (cur.balance > 0 !== balance > 0) await this.recordFlip(doc);
      this.onAppended(productId, { version: doc.version, balance });
      await this.advanceHead(productId, doc.version, balance);
      return { ok: true, movement: doc, duplicate: false };
    }
    throw new ConflictError(`the stock of product ${productId.toHexString()}`);
  }

  /**
   * The in-stock flag flipped: `shop.product.stock-changed.v1` into the outbox, `_id` derived from the
   * movement, so a repeat writes nothing. A crash between the movement and this insert loses the event:
   * other replicas' listing models then pick the flag up at their next rebuild (docs/design.md §9).
   */
  private async recordFlip(mv: MovementDoc): Promise<void> {
    try {
      await this.m.Outbox.create(outboxDoc(stockChangedEvent(mv.productId, mv.version, mv.balance, mv.at), mv.at));
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    this.onRecorded();
  }

  byKey(dedupeKey: string): Promise<MovementDoc | null> {
    return this.m.Movement.findOne({ dedupeKey }).lean().exec();
  }

  /** Newest first, ledger entries only (no reservation tombstones). */
  history(productId: Types.ObjectId, limit: number): Promise<MovementDoc[]> {
    return this.m.Movement.find({ productId, version: { $gt: 0 } })
      .sort({ version: -1 })
      .limit(limit)
      .lean()
      .exec();
  }

  /**
   * Moves the head pointer forward. Not atomic on FerretDB, so it can lag; `levels` probes past it.
   * A duplicate key here means a concurrent upsert created the head first, which is fine.
   */
  private async advanceHead(productId: Types.ObjectId, version: number, balance: number): Promise<void> {
    try {
      await this.m.StockHead.updateOne({ _id: productId, version: { $lt: version } }, { $set: { version, balance } }, { upsert: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  /**
   * Claims the "hold" slot of (order, product) for a tombstone, so a reservation arriving after a
   * release can never take stock. Returns what occupies the slot afterwards.
   */
  async tombstone(orderId: string, productId: Types.ObjectId, reason: string): Promise<MovementDoc> {
    const dedupeKey = holdKey(orderId, productId);
    const doc: MovementDoc = {
      _id: `${productId.toHexString()}:tomb:${orderId}`,
      productId,
      version: 0,
      kind: 'RELEASE',
      quantity: 0,
      balance: 0,
      orderId,
      reason,
      dedupeKey,
      at: new Date(),
    };
    try {
      await this.m.Movement.create(doc);
      return doc;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const existing = await this.byKey(dedupeKey);
      if (!existing) throw err;
      return existing;
    }
  }
}

/** Slot an order's reservation (or its tombstone) of one product occupies, at most once. */
export const holdKey = (orderId: string, productId: Types.ObjectId) => `${orderId}:${productId.toHexString()}:hold`;
/** Slot an order's release of one product occupies, at most once. */
export const releaseKey = (orderId: string, productId: Types.ObjectId) => `${orderId}:${productId.toHexString()}:release`;
