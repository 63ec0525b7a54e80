import { z } from 'zod';
import { decodeCursor, encodeCursor } from '@shop/kit';
import type { InvoiceDoc, InvoiceModels } from './model.js';

/** Admin listing, newest first, with opaque keyset cursors on (issuedAt, id). */

export interface InvoicePage {
  edges: { cursor: string; node: InvoiceDoc }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

const cursorSchema = z.object({ t: z.number().int().nonnegative(), id: z.string().regex(/^[0-9a-f-]{36}$/) });
const cursorOf = (d: InvoiceDoc) => encodeCursor({ t: d.issuedAt.getTime(), id: d._id });

export class Listing {
  constructor(private readonly m: InvoiceModels) {}

  async page(first: number, after: string | null | undefined): Promise<InvoicePage> {
    const from = after ? decodeCursor(after, cursorSchema) : null;
    const filter = from ? { $or: [{ issuedAt: { $lt: new Date(from.t) } }, { issuedAt: new Date(from.t), _id: { $lt: from.id } }] } : {};
    const [docs, totalCount] = await Promise.all([
      this.m.Invoice.find(filter)
        .sort({ issuedAt: -1, _id: -1 })
        .limit(first + 1)
        .lean<InvoiceDoc[]>(),
      this.m.Invoice.countDocuments({}),
    ]);
    const page = docs.slice(0, first);
    return {
      edges: page.map((d) => ({ cursor: cursorOf(d), node: d })),
      pageInfo: { hasNextPage: docs.length > first, endCursor: page.length ? cursorOf(page.at(-1)!) : null },
      totalCount,
    };
  }
}
