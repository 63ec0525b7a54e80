import { type Types } from 'mongoose';
import { findByIds, inSpan, isDuplicateKey, SweepMarks, unswept, type Logger } from '@shop/kit';
import type { ProductDoc, ProductModels, ReservationDoc } from './model.js';
import { holdKey, releaseKey, type StockLedger } from './stock.js';

/**
 * Reservations for orders (docs/design.md §5 step 1, §6). All lines or none; idempotent per order; a
 * release happens once per line; a reservation not confirmed within the TTL is released by the sweeper.
 * Every step is an insert guarded by a unique key, so concurrent or repeated calls cannot double-count.
 */

export interface ReservationLine {
  productId: Types.ObjectId;
  quantity: number;
}

export type ReservationState = 'RESERVED' | 'CONFIRMED' | 'RELEASED' | 'EXPIRED';

export interface ReservationOutcome {
  ok: boolean;
  state: ReservationState;
  code?:
    | 'OUT_OF_STOCK'
    | 'PRODUCT_NOT_FOUND'
    | 'PRODUCT_UNAVAILABLE'
    | 'RESERVATION_NOT_FOUND'
    | 'RESERVATION_RELEASED'
    | 'RESERVATION_MISMATCH';
  message?: string;
  productId?: string;
  available?: number;
}

const sameLines = (a: readonly ReservationLine[], b: readonly ReservationLine[]) =>
  a.length === b.length && a.every((l, i) => l.productId.equals(b[i]!.productId) && l.quantity === b[i]!.quantity);

export class Reservations {
  private readonly sweepMarks: SweepMarks;

  constructor(
    private readonly m: ProductModels,
    private readonly ledger: StockLedger,
    private readonly log: Logger,
  ) {
    this.sweepMarks = new SweepMarks(m.Reservation);
  }

  reserve(orderId: string, requested: readonly ReservationLine[]): Promise<ReservationOutcome> {
    return inSpan('product reservation', { attributes: { 'shop.order.id': orderId, 'shop.lines': requested.length } }, () =>
      this.reserveLines(orderId, requested),
    );
  }

  private async reserveLines(orderId: string, requested: readonly ReservationLine[]): Promise<ReservationOutcome> {
    const lines = [...requested].sort((a, b) => a.productId.toHexString().localeCompare(b.productId.toHexString()));
    const header = await this.m.Reservation.findById(orderId).lean();
    if (header) {
      if (!sameLines(header.lines, lines)) {
        return { ok: false, state: 'RESERVED', code: 'RESERVATION_MISMATCH', message: `order ${orderId} was reserved with other lines` };
      }
    } else {
      const problem = await this.checkProducts(lines);
      if (problem) return problem;
      try {
        await this.m.Reservation.create({ _id: orderId, lines, createdAt: new Date(), ...unswept() });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        return this.reserve(orderId, requested); // a concurrent identical call wrote it: take the idempotent path
      }
    }

    const decision = await this.m.ReservationDecision.findById(orderId).lean();
    if (decision?.decision === 'EXPIRED') return released(orderId, 'EXPIRED');

    for (const line of lines) {
      const outcome = await this.reserveLine(orderId, line);
      if (outcome === 'released') {
        await this.release(orderId, 'reservation already released');
        return released(orderId, 'RELEASED');
      }
      if (typeof outcome === 'number') {
        await this.release(orderId, 'out of stock');
        return {
          ok: false,
          state: 'RELEASED',
          code: 'OUT_OF_STOCK',
          productId: line.productId.toHexString(),
          available: outcome,
          message: `only ${outcome} left of product ${line.productId.toHexString()}, ${line.quantity} requested`,
        };
      }
    }
    return { ok: true, state: decision?.decision === 'CONFIRMED' ? 'CONFIRMED' : 'RESERVED' };
  }

  /** 'held' when the line is reserved, 'released' when it can no longer be, or the units left. */
  private async reserveLine(orderId: string, line: ReservationLine): Promise<'held' | 'released' | number> {
    const hold = await this.ledger.byKey(holdKey(orderId, line.productId));
    if (hold) return (await this.isReleased(orderId, line.productId, hold.kind)) ? 'released' : 'held';
    const res = await this.ledger.append(line.productId, 'RESERVATION', -line.quantity, {
      dedupeKey: holdKey(orderId, line.productId),
      orderId,
    });
    if (!res.ok) return res.available;
    if (res.duplicate) return (await this.isReleased(orderId, line.productId, res.movement.kind)) ? 'released' : 'held';
    return 'held';
  }

  private async isReleased(orderId: string, productId: Types.ObjectId, holdKind: string): Promise<boolean> {
    return holdKind !== 'RESERVATION' || (await this.ledger.byKey(releaseKey(orderId, productId))) !== null;
  }

  /** Gives back every reserved line of the order, at most once each; tombstones lines not yet reserved. */
  async release(orderId: string, reason: string): Promise<ReservationOutcome> {
    const header = await this.m.Reservation.findById(orderId).lean();
    if (!header) return { ok: false, state: 'RELEASED', code: 'RESERVATION_NOT_FOUND', message: `no reservation for order ${orderId}` };
    for (const line of header.lines) {
      const hold = await this.ledger.tombstone(orderId, line.productId, reason);
      if (hold.kind !== 'RESERVATION') continue; // never reserved, and now it never will be
      const res = await this.ledger.append(line.productId, 'RELEASE', -hold.quantity, {
        dedupeKey: releaseKey(orderId, line.productId),
        orderId,
        reason,
      });
      if (!res.ok) throw new Error(`release of ${orderId} would make stock negative`); // cannot happen: releases add
    }
    return { ok: true, state: 'RELEASED' };
  }

  /** The order exists: from now on only an explicit release gives the stock back. */
  async confirm(orderId: string): Promise<ReservationOutcome> {
    const header = await this.m.Reservation.findById(orderId).lean();
    if (!header) return { ok: false, state: 'RELEASED', code: 'RESERVATION_NOT_FOUND', message: `no reservation for order ${orderId}` };
    const decision = await this.decide(orderId, 'CONFIRMED');
    if (decision === 'EXPIRED') return released(orderId, 'EXPIRED');
    return { ok: true, state: 'CONFIRMED' };
  }

  /** Releases reservations older than `ttlMs` that no order confirmed. Returns how many it released. */
  async sweep(ttlMs: number, now = new Date(), batch = 100): Promise<number> {
    const cutoff = new Date(now.getTime() - ttlMs);
    const stale: ReservationDoc[] = await this.m.Reservation.find({ ...(await this.sweepMarks.open()), createdAt: { $lt: cutoff } })
      .sort({ createdAt: 1 })
      .limit(batch)
      .lean();
    let released = 0;
    for (const r of stale) {
      if ((await this.decide(r._id, 'EXPIRED')) === 'EXPIRED') {
        await this.release(r._id, 'reservation expired');
        released++;
        this.log.info({ orderId: r._id }, 'released an unconfirmed reservation');
      }
      // Only the sweeper writes sweptAt and unswept (one writer per mutable field).
      await this.sweepMarks.settle(r._id, now);
    }
    return released;
  }

  /** First decision wins, atomically: the decision document's `_id` is the order id. */
  private async decide(orderId: string, decision: 'CONFIRMED' | 'EXPIRED'): Promise<'CONFIRMED' | 'EXPIRED'> {
    try {
      await this.m.ReservationDecision.create({ _id: orderId, decision, at: new Date() });
      return decision;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const existing = await this.m.ReservationDecision.findById(orderId).lean();
      return existing!.decision;
    }
  }

  private async checkProducts(lines: readonly ReservationLine[]): Promise<ReservationOutcome | undefined> {
    // `_id` probes, not `$in` (which reads the whole catalog): docs/design.md §6, "Hot reads".
    const products = await findByIds<ProductDoc, Types.ObjectId>(
      this.m.Product,
      lines.map((l) => l.productId),
    );
    for (const [i, line] of lines.entries()) {
      const id = line.productId.toHexString();
      const p = products[i];
      if (!p) return { ok: false, state: 'RELEASED', code: 'PRODUCT_NOT_FOUND', productId: id, message: `product ${id} does not exist` };
      if (p.status !== 'ACTIVE')
        return { ok: false, state: 'RELEASED', code: 'PRODUCT_UNAVAILABLE', productId: id, message: `product ${id} is archived` };
    }
    return undefined;
  }
}

function released(orderId: string, state: 'RELEASED' | 'EXPIRED'): ReservationOutcome {
  return { ok: false, state, code: 'RESERVATION_RELEASED', message: `the reservation of order ${orderId} was already released` };
}
