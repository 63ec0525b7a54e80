import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CUSTOMER, GUEST, OTHER_CUSTOMER, waitFor } from '@shop/harness';
import type { Caller } from '@shop/kit';
import { client, createProduct, mutate, OPS, placeOrder, publish, startServices, type OrderView, type Services } from './helpers.js';

let s: Services;
let gql: ReturnType<typeof client>;
const CAROL: Caller = { kind: 'user', sub: 'carol', roles: ['customer'] };
const byStatus: Record<string, string[]> = { PENDING_PAYMENT: [], PAID: [], SHIPPED: [], DELIVERED: [], CANCELLED: [] };
const carols: OrderView[] = [];

async function pay(o: OrderView) {
  await publish(s, 'shop.payment.succeeded.v1', {
    paymentId: randomUUID(),
    orderId: o.id,
    amount: o.total.amount,
    currency: 'USD',
    providerReference: 'ch',
  });
  await waitFor('PAID', async () => (await s.order.store.get(o.id))?.status === 'PAID');
}

beforeAll(async () => {
  s = await startServices();
  gql = client(s.order.url);
  const p = await createProduct(s, { initialStock: 1000 });
  // carol: 5 orders, one in each status, placed in this order (newest last)
  for (const status of ['PENDING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED']) {
    const o = await placeOrder(s, [{ productId: p, quantity: 1 }], CAROL);
    carols.push(o);
    byStatus[status]!.push(o.id);
    if (status === 'CANCELLED') await mutate(s, 'cancel', { id: o.id }, CAROL);
    if (['PAID', 'SHIPPED', 'DELIVERED'].includes(status)) await pay(o);
    if (['SHIPPED', 'DELIVERED'].includes(status)) await mutate(s, 'ship', { id: o.id, carrier: 'DHL', trackingNumber: 'T' }, ADMIN);
    if (status === 'DELIVERED') await mutate(s, 'deliver', { id: o.id }, ADMIN);
  }
  // three more pending orders of others, and a paid guest order
  for (const caller of [CUSTOMER, OTHER_CUSTOMER, GUEST])
    byStatus.PENDING_PAYMENT!.push((await placeOrder(s, [{ productId: p, quantity: 1 }], caller)).id);
  const guestPaid = await placeOrder(s, [{ productId: p, quantity: 1 }]);
  await pay(guestPaid);
  byStatus.PAID!.push(guestPaid.id);
});
afterAll(() => s?.close());

const order = (id: string, caller: Caller) => gql<{ order: OrderView | null }>(OPS.order, { id }, caller);

/** Every page of a listing, following endCursor. */
async function allPages(query: string, variables: Record<string, unknown>, caller: Caller, first: number) {
  const ids: string[] = [];
  const totals = new Set<number>();
  let after: string | null = null;
  for (let page = 0; page < 50; page++) {
    const res = await gql(query, { ...variables, first, after }, caller);
    expect(res.errors).toBeUndefined();
    const conn = Object.values(res.data!)[0] as {
      edges: { node: { id: string } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      totalCount: number;
    };
    expect(conn.edges.length).toBeLessThanOrEqual(first);
    ids.push(...conn.edges.map((e) => e.node.id));
    totals.add(conn.totalCount);
    if (!conn.pageInfo.hasNextPage) return { ids, totals: [...totals] };
    after = conn.pageInfo.endCursor;
  }
  throw new Error('too many pages');
}

describe('order(id)', () => {
  it("shows a customer's order to that customer and admins only; a guest order to whoever holds its id", async () => {
    const carolsFirst = carols[0]!;
    expect((await order(carolsFirst.id, CAROL)).data!.order).toMatchObject({
      id: carolsFirst.id,
      number: carolsFirst.number,
      status: 'PENDING_PAYMENT',
    });
    expect((await order(carolsFirst.id, ADMIN)).data!.order!.id).toBe(carolsFirst.id);
    for (const caller of [CUSTOMER, GUEST]) expect((await order(carolsFirst.id, caller)).data).toEqual({ order: null });
    const guestOrder = byStatus.PENDING_PAYMENT!.at(-1)!;
    for (const caller of [GUEST, CUSTOMER, ADMIN]) expect((await order(guestOrder, caller)).data!.order!.id).toBe(guestOrder);
    expect((await order(randomUUID(), ADMIN)).data).toEqual({ order: null });
    // the payment service reads orders (amount, status, owner); other services and partners may not
    const asPayment = await gql(
      `query ($id: ID!) { order(id: $id) { id status total { amount } customerId } }`,
      { id: carolsFirst.id },
      { kind: 'service', service: 'payment' },
    );
    expect(asPayment.data!.order).toEqual({
      id: carolsFirst.id,
      status: 'PENDING_PAYMENT',
      total: { amount: carolsFirst.total.amount },
      customerId: 'carol',
    });
    for (const caller of [
      { kind: 'service', service: 'cart' },
      { kind: 'partner', partnerId: 'p' },
    ] as Caller[])
      expect((await order(carolsFirst.id, caller)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (const id of ['nope', '{"$ne": null}', '']) expect((await order(id, ADMIN)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('myOrders', () => {
  it("lists the caller's own orders newest first, in pages, with totalCount", async () => {
    const { ids, totals } = await allPages(OPS.myOrders, {}, CAROL, 2);
    expect(ids).toEqual(carols.map((o) => o.id).reverse());
    expect(totals).toEqual([5]);
    const alice = await gql(OPS.myOrders, {}, CUSTOMER);
    expect(alice.data!.myOrders.totalCount).toBe(1);
    expect(alice.data!.myOrders.edges[0].node.id).toBe(byStatus.PENDING_PAYMENT![1]);
    expect((await gql(OPS.myOrders, {}, ADMIN)).data!.myOrders).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
      totalCount: 0,
    });
  });

  it('needs sign-in, a sane page size and a cursor of its own making', async () => {
    expect((await gql(OPS.myOrders, {}, GUEST)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql(OPS.myOrders, {}, { kind: 'partner', partnerId: 'p' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (const variables of [
      { first: 0 },
      { first: 101 },
      { after: 'garbage!' },
      { after: Buffer.from('{"t":"x"}').toString('base64url') },
    ])
      expect((await gql(OPS.myOrders, variables, CAROL)).errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
  });
});

describe('orders (admin)', () => {
  it('lists every order newest first with totalCount, and by current status', async () => {
    const all = await allPages(OPS.orders, {}, ADMIN, 3);
    expect(all.ids).toHaveLength(9);
    expect(all.totals).toEqual([9]);
    const docs = await s.order.models.Order.find({ _id: { $in: all.ids } }).lean();
    const created = new Map(docs.map((d) => [d._id, d.createdAt.getTime()]));
    const times = all.ids.map((id) => created.get(id)!);
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    for (const [status, expected] of Object.entries(byStatus)) {
      for (const first of [1, 2, 20]) {
        const page = await allPages(OPS.orders, { status }, ADMIN, first);
        expect(page.ids.sort(), `${status} first=${first}`).toEqual([...expected].sort());
        expect(page.totals, status).toEqual([expected.length]);
      }
    }
    const paid = await gql(OPS.orders, { status: 'PAID' }, ADMIN);
    expect(paid.data!.orders.edges.every((e: { node: { status: string } }) => e.node.status === 'PAID')).toBe(true);
  });

  it('is for admins only', async () => {
    expect((await gql(OPS.orders, {}, CUSTOMER)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql(OPS.orders, {}, GUEST)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
