import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { ADMIN, CUSTOMER, ORDER_SERVICE } from '@shop/harness';
import { client, createProduct, startProduct } from './helpers.js';
import type { StartedProductService } from '../src/server.js';

const RESERVE = /* GraphQL */ `
  mutation ($orderId: ID!, $lines: [ReservationLineInput!]!) {
    reserveStock(orderId: $orderId, lines: $lines) {
      ok
      state
      code
      message
      productId
      available
    }
  }
`;
const RELEASE = /* GraphQL */ `
  mutation ($orderId: ID!) {
    releaseReservation(orderId: $orderId, reason: "test") {
      ok
      state
      code
    }
  }
`;
const CONFIRM = /* GraphQL */ `
  mutation ($orderId: ID!) {
    confirmReservation(orderId: $orderId) {
      ok
      state
      code
    }
  }
`;

let svc: StartedProductService;
let gql: ReturnType<typeof client>;

beforeAll(async () => {
  svc = await startProduct();
  gql = client(svc.url);
});
afterAll(() => svc?.close());

const reserve = (orderId: string, lines: { productId: string; quantity: number }[]) =>
  gql(RESERVE, { orderId, lines }, ORDER_SERVICE).then((r) => {
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!.reserveStock as { ok: boolean; state: string; code: string | null; productId: string | null; available: number | null };
  });
const available = async (id: string) => (await svc.ledger.level(new Types.ObjectId(id))).balance;

/** Checks the ledger: versions 1..n without gaps, each balance = previous + quantity, never negative. */
async function expectConsistentLedger(id: string) {
  const movements = await svc.models.Movement.find({ productId: new Types.ObjectId(id), version: { $gt: 0 } })
    .sort({ version: 1 })
    .lean();
  let balance = 0;
  movements.forEach((m, i) => {
    expect(m.version).toBe(i + 1);
    balance += m.quantity;
    expect(m.balance).toBe(balance);
    expect(m.balance).toBeGreaterThanOrEqual(0);
  });
  return movements;
}

describe('reservations', () => {
  it('lets exactly 10 of 50 concurrent orders reserve the last 10 units, never below zero', async () => {
    const id = await createProduct(svc.url, { initialStock: 10 });
    const orders = Array.from({ length: 50 }, () => randomUUID());
    const results = await Promise.all(orders.map((o) => reserve(o, [{ productId: id, quantity: 1 }])));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(40);
    for (const r of refused) expect(r).toMatchObject({ code: 'OUT_OF_STOCK', productId: id, available: 0 });
    expect(await available(id)).toBe(0);
    const movements = await expectConsistentLedger(id);
    expect(movements.filter((m) => m.kind === 'RESERVATION')).toHaveLength(10);
  });

  it('reserves nothing more when the same order is reserved again, even concurrently', async () => {
    const id = await createProduct(svc.url, { initialStock: 20 });
    const orderId = randomUUID();
    const again = await Promise.all(Array.from({ length: 5 }, () => reserve(orderId, [{ productId: id, quantity: 3 }])));
    expect(again.every((r) => r.ok && r.state === 'RESERVED')).toBe(true);
    expect(await reserve(orderId, [{ productId: id, quantity: 3 }])).toMatchObject({ ok: true });
    expect(await available(id)).toBe(17);
    await expectConsistentLedger(id);
  });

  it('reserves all lines or none, and says which line is short and how many are left', async () => {
    const plenty = await createProduct(svc.url, { initialStock: 50 });
    const scarce = await createProduct(svc.url, { initialStock: 2 });
    const res = await reserve(randomUUID(), [
      { productId: plenty, quantity: 5 },
      { productId: scarce, quantity: 3 },
    ]);
    expect(res).toMatchObject({ ok: false, code: 'OUT_OF_STOCK', productId: scarce, available: 2 });
    expect(await available(plenty)).toBe(50);
    expect(await available(scarce)).toBe(2);
    await expectConsistentLedger(plenty);
  });

  it('releases once, however often it is asked, and a late reservation cannot take the stock again', async () => {
    const id = await createProduct(svc.url, { initialStock: 5 });
    const orderId = randomUUID();
    await reserve(orderId, [{ productId: id, quantity: 4 }]);
    const releases = await Promise.all(Array.from({ length: 4 }, () => gql(RELEASE, { orderId }, ORDER_SERVICE)));
    for (const r of releases) expect(r.data!.releaseReservation).toMatchObject({ ok: true, state: 'RELEASED' });
    expect(await available(id)).toBe(5);
    expect(await reserve(orderId, [{ productId: id, quantity: 4 }])).toMatchObject({ ok: false, code: 'RESERVATION_RELEASED' });
    expect(await available(id)).toBe(5);
    await expectConsistentLedger(id);
  });

  it('sweeps unconfirmed reservations after the TTL and keeps confirmed ones', async () => {
    const id = await createProduct(svc.url, { initialStock: 10 });
    const confirmed = randomUUID();
    const abandoned = randomUUID();
    await reserve(confirmed, [{ productId: id, quantity: 2 }]);
    await reserve(abandoned, [{ productId: id, quantity: 3 }]);
    expect((await gql(CONFIRM, { orderId: confirmed }, ORDER_SERVICE)).data!.confirmReservation).toMatchObject({
      ok: true,
      state: 'CONFIRMED',
    });
    expect(await available(id)).toBe(5);
    // Sweep as if the TTL had passed for both.
    await svc.reservations.sweep(0, new Date(Date.now() + 1_000));
    expect(await available(id)).toBe(8);
    expect((await gql(CONFIRM, { orderId: abandoned }, ORDER_SERVICE)).data!.confirmReservation).toMatchObject({
      ok: false,
      state: 'EXPIRED',
    });
    const reasons = (await svc.models.Movement.find({ orderId: abandoned, version: { $gt: 0 } }).lean()).map((m) => [m.kind, m.reason]);
    expect(reasons).toEqual(expect.arrayContaining([['RELEASE', 'reservation expired']]));
    // both settled: later sweeps no longer read them
    expect(
      await svc.models.Reservation.countDocuments({ _id: { $in: [confirmed, abandoned] }, sweptAt: { $ne: null }, unswept: false }),
    ).toBe(2);
  });

  it('refuses reservations from anyone but the order service', async () => {
    const id = await createProduct(svc.url, { initialStock: 3 });
    for (const caller of [ADMIN, CUSTOMER]) {
      const res = await gql(RESERVE, { orderId: randomUUID(), lines: [{ productId: id, quantity: 1 }] }, caller);
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await available(id)).toBe(3);
  });

  it('rejects malformed reservation input without touching stock', async () => {
    const id = await createProduct(svc.url, { initialStock: 3 });
    const cases = [
      { orderId: 'not-a-uuid', lines: [{ productId: id, quantity: 1 }] },
      { orderId: randomUUID(), lines: [] },
      { orderId: randomUUID(), lines: [{ productId: id, quantity: 0 }] },
      { orderId: randomUUID(), lines: [{ productId: '{"$ne":null}', quantity: 1 }] },
      {
        orderId: randomUUID(),
        lines: [
          { productId: id, quantity: 1 },
          { productId: id, quantity: 1 },
        ],
      },
    ];
    for (const vars of cases) {
      const res = await gql(RESERVE, vars, ORDER_SERVICE);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(await reserve(randomUUID(), [{ productId: new Types.ObjectId().toHexString(), quantity: 1 }])).toMatchObject({
      ok: false,
      code: 'PRODUCT_NOT_FOUND',
    });
    expect(await available(id)).toBe(3);
  });
});
