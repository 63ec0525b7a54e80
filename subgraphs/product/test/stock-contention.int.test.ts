import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, ORDER_SERVICE, testDbName, type GraphQLResponse } from '@shop/harness';
import type { Caller } from '@shop/kit';
import { client, createProduct, startProduct } from './helpers.js';
import type { StartedProductService } from '../src/server.js';

/**
 * The stock ledger under heavy contention from two replicas of the product service on one database:
 * reservations, releases and adjustments of one product all at once. Every request succeeds or
 * answers the retryable CONFLICT (then sent again, as the order service or an admin would), never
 * INTERNAL_SERVER_ERROR; the ledger ends exact, gapless and never negative.
 */

const RESERVE = `mutation ($orderId: ID!, $lines: [ReservationLineInput!]!) { reserveStock(orderId: $orderId, lines: $lines) { ok code } }`;
const RELEASE = `mutation ($orderId: ID!) { releaseReservation(orderId: $orderId, reason: "test") { ok code } }`;
const ADJUST = `mutation ($productId: ID!, $delta: Int!) { adjustStock(productId: $productId, delta: $delta, reason: "recount") { userErrors { code } } }`;

let svc: StartedProductService;
let replica: StartedProductService;
let sent = 0;

beforeAll(async () => {
  const MONGODB_DB = testDbName('product_stock');
  svc = await startProduct({ MONGODB_DB });
  replica = await startProduct({ MONGODB_DB });
});
afterAll(async () => {
  await replica?.close();
  await svc?.close();
});

/** Sends to either replica; repeats while the answer is CONFLICT; returns the payload, fails on any other error. */
async function send(query: string, variables: Record<string, unknown>, caller: Caller): Promise<Record<string, any>> {
  for (let attempt = 1; ; attempt++) {
    const res: GraphQLResponse = await client((sent++ % 2 === 0 ? svc : replica).url)(query, variables, caller);
    const codes = (res.errors ?? []).map((e) => e.extensions?.code);
    if (codes.length === 0) return Object.values(res.data!)[0] as Record<string, any>;
    if (codes.some((c) => c !== 'CONFLICT') || attempt >= 5) throw new Error(JSON.stringify(res.errors));
  }
}

describe('stock ledger under contention (two replicas)', () => {
  it('reserves, releases and adjusts one product 100 times at once: exact balance, no gap, never negative', async () => {
    const productId = await createProduct(svc.url, { initialStock: 100 });
    const held = Array.from({ length: 15 }, () => randomUUID());
    for (const orderId of held)
      expect(await send(RESERVE, { orderId, lines: [{ productId, quantity: 1 }] }, ORDER_SERVICE)).toEqual({ ok: true, code: null });

    const requests = [
      ...Array.from({ length: 30 }, () => send(RESERVE, { orderId: randomUUID(), lines: [{ productId, quantity: 1 }] }, ORDER_SERVICE)),
      ...held.map((orderId) => send(RELEASE, { orderId }, ORDER_SERVICE)),
      ...Array.from({ length: 35 }, () => send(ADJUST, { productId, delta: 1 }, ADMIN)),
      ...Array.from({ length: 20 }, () => send(ADJUST, { productId, delta: -1 }, ADMIN)),
    ];
    const results = await Promise.all(requests);
    expect(results.slice(0, 45).every((r) => r.ok === true)).toBe(true);
    expect(results.slice(45).flatMap((r) => r.userErrors)).toEqual([]);

    // 100 − 15 held, then −30 reserved, +15 released, +35 −20 adjusted
    const ledger = await svc.models.Movement.find({ productId, version: { $gt: 0 } })
      .sort({ version: 1 })
      .lean();
    expect(ledger.map((m) => m.version)).toEqual(Array.from({ length: ledger.length }, (_, i) => i + 1));
    expect(ledger).toHaveLength(1 + 15 + 100);
    expect(ledger.every((m) => m.balance >= 0)).toBe(true);
    for (let i = 1; i < ledger.length; i++) expect(ledger[i]!.balance).toBe(ledger[i - 1]!.balance + ledger[i]!.quantity);
    expect(ledger.at(-1)!.balance).toBe(100 - 15 - 30 + 15 + 35 - 20);
    expect((await replica.ledger.level(ledger[0]!.productId)).balance).toBe(85);
  });
});
