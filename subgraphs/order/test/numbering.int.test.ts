import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo, ensureIndexes, markerId } from '@shop/kit';
import { testDbName } from '@shop/harness';
import { orderNumber } from '../src/domain.js';
import { allModels, createModels, type OrderDoc } from '../src/model.js';
import { OrderStore } from '../src/store.js';
import { sampleOrder } from './sample-order.js';

/**
 * Order numbers without "sort all, take the highest" (docs/design.md §6): after a gap-free history of
 * 1,000 numbers (orders and their number markers), two stores on two connections (two processes)
 * racing give the next numbers exactly once and without a gap, and no read of the orders sorts
 * (FerretDB sorts in Go, reading every order of the year): the highest is found by `_id` probes.
 */

const dbName = testDbName('order_numbering');
const year = 2031;
const at = new Date(Date.UTC(year, 5, 1));
let a: Connection;
let b: Connection;
/** Every orders-collection read of both connections: method and options. */
const reads: { method: string; options: Record<string, unknown> }[] = [];

function record(conn: Connection): void {
  conn.set('debug', (collection: string, method: string, ...args: unknown[]) => {
    if (collection !== 'orders' || !/^find|^aggregate|^count/.test(method)) return;
    const options = (args.find((x, i) => i > 0 && typeof x === 'object' && x !== null) ?? {}) as Record<string, unknown>;
    reads.push({ method, options });
  });
}

beforeAll(async () => {
  a = await connectMongo(inject('mongoUrl'), dbName);
  b = await connectMongo(inject('mongoUrl'), dbName);
  await ensureIndexes(allModels(createModels(a)));
  const history: OrderDoc[] = Array.from({ length: 1000 }, (_, i) => ({
    ...sampleOrder(at),
    year,
    seq: i + 1,
    number: orderNumber(year, i + 1),
    event: null,
    publishedAt: at,
  }));
  await createModels(a).Order.insertMany(history, { ordered: true });
  await createModels(a).OrderNumber.insertMany(history.map((o) => ({ _id: markerId(String(year), o.seq) })));
  record(a);
  record(b);
});

afterAll(async () => {
  await a?.dropDatabase();
  await Promise.all([a?.close(), b?.close()]);
});

describe('order numbering by probes', () => {
  it('after 1,000 numbers, two stores racing hand out 1001..1040 exactly once, reading no sorted query', async () => {
    const stores = [new OrderStore(createModels(a)), new OrderStore(createModels(b))];
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % 2]!.place(sampleOrder(at), () => null)));
    expect(results.every((r) => r.placed)).toBe(true);
    const seqs = results.map((r) => r.state.order.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => 1001 + i));

    const all = await createModels(a).Order.find({ year }, { seq: 1 }).lean();
    expect(all.map((o) => o.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 1040 }, (_, i) => i + 1));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((r) => r.options.sort !== undefined)).toEqual([]);
  });

  it('a fresh store (a restarted process) continues at the next number', async () => {
    const fresh = new OrderStore(createModels(b));
    const r = await fresh.place(sampleOrder(at), () => null);
    expect(r.state.order.seq).toBe(1041);
    expect(r.state.order.number).toBe(orderNumber(year, 1041));
  });
});
