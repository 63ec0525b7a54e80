import { z } from 'zod';
import { decodeCursor, encodeCursor } from '@shop/kit';
import type { OrderState } from './domain.js';
import type { OrderModels, OrderStatus } from './model.js';

/**
 * Order listings, newest first, with opaque keyset cursors on (createdAt, id). There is no status
 * field updated in place (docs/design.md §6): an order's current status is its newest transition, and
 * because the lifecycle is acyclic each status is entered at most once per order. So "currently S" is
 * "entered S and never left it" — orders with a STATUS record `→ S` (for PENDING_PAYMENT: every order)
 * minus those with a STATUS record `S →` — and the count is exact from two counts.
 */

export interface OrderPage {
  edges: { cursor: string; node: OrderState }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

export interface ListFilter {
  customerId?: string;
  status?: OrderStatus | null;
}

interface Key {
  id: string;
  at: Date;
}

const cursorSchema = z.object({ t: z.number().int().nonnegative(), id: z.string().regex(/^[0-9a-f-]{36}$/) });
const cursorOf = (k: Key) => encodeCursor({ t: k.at.getTime(), id: k.id });

/** `{ at < t } or { at = t, id < id }` on the given field names. */
function before(after: { t: number; id: string } | null, atField: string, idField: string) {
  if (!after) return {};
  const t = new Date(after.t);
  return { $or: [{ [atField]: { $lt: t } }, { [atField]: t, [idField]: { $lt: after.id } }] };
}

export class Listing {
  constructor(private readonly m: OrderModels) {}

  async page(
    filter: ListFilter,
    first: number,
    after: string | null | undefined,
    load: (ids: string[]) => Promise<(OrderState | null)[]>,
  ): Promise<OrderPage> {
    const from = after ? decodeCursor(after, cursorSchema) : null;
    const [keys, totalCount] = await Promise.all([this.keys(filter, first + 1, from), this.count(filter)]);
    const page = keys.slice(0, first);
    const states = await load(page.map((k) => k.id));
    const edges = page.flatMap((k, i) => (states[i] ? [{ cursor: cursorOf(k), node: states[i] }] : []));
    return {
      edges,
      pageInfo: { hasNextPage: keys.length > first, endCursor: page.length ? cursorOf(page.at(-1)!) : null },
      totalCount,
    };
  }

  /** Up to `limit` orders matching `filter` after the cursor, newest first. */
  private async keys(filter: ListFilter, limit: number, from: { t: number; id: string } | null): Promise<Key[]> {
    const status = filter.status ?? null;
    const out: Key[] = [];
    let cursor = from;
    const batch = Math.max(limit * 2, 20);
    for (;;) {
      const candidates = await this.candidates(filter.customerId, status, cursor, batch);
      const left = status
        ? await this.leftStatus(
            status,
            candidates.map((c) => c.id),
          )
        : new Set<string>();
      for (const c of candidates) {
        if (!left.has(c.id)) out.push(c);
        if (out.length === limit) return out;
      }
      if (candidates.length < batch) return out;
      const last = candidates.at(-1)!;
      cursor = { t: last.at.getTime(), id: last.id };
    }
  }

  /** Orders that entered `status` (all orders for PENDING_PAYMENT or no status), newest first. */
  private async candidates(
    customerId: string | undefined,
    status: OrderStatus | null,
    after: { t: number; id: string } | null,
    limit: number,
  ) {
    if (status === null || status === 'PENDING_PAYMENT') {
      const docs = await this.m.Order.find(
        { ...(customerId ? { customerId } : {}), ...before(after, 'createdAt', '_id') },
        { _id: 1, createdAt: 1 },
      )
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit)
        .lean();
      return docs.map((d) => ({ id: d._id, at: d.createdAt }));
    }
    const docs = await this.m.Transition.find(
      { kind: 'STATUS', status, ...before(after, 'orderCreatedAt', 'orderId') },
      { orderId: 1, orderCreatedAt: 1 },
    )
      .sort({ orderCreatedAt: -1, orderId: -1 })
      .limit(limit)
      .lean();
    return docs.map((d) => ({ id: d.orderId, at: d.orderCreatedAt }));
  }

  /** Those of `ids` that have moved on from `status`. */
  private async leftStatus(status: OrderStatus, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const moved = await this.m.Transition.find({ kind: 'STATUS', from: status, orderId: { $in: ids } }, { orderId: 1 }).lean();
    return new Set(moved.map((t) => t.orderId));
  }

  private async count(filter: ListFilter): Promise<number> {
    const status = filter.status ?? null;
    if (filter.customerId && status) throw new Error('listing by customer and status is not supported');
    if (status === null) return this.m.Order.countDocuments(filter.customerId ? { customerId: filter.customerId } : {});
    const [entered, left] = await Promise.all([
      status === 'PENDING_PAYMENT' ? this.m.Order.countDocuments({}) : this.m.Transition.countDocuments({ kind: 'STATUS', status }),
      this.m.Transition.countDocuments({ kind: 'STATUS', from: status }),
    ]);
    return entered - left;
  }
}
