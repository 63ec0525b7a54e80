import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CUSTOMER, GUEST, OTHER_CUSTOMER, waitFor } from '@shop/harness';
import { listDeadLetters } from '@shop/events';
import {
  available,
  client,
  createProduct,
  movementsOf,
  mutate,
  orderEvents,
  placeOrder,
  publish,
  startServices,
  waitForAck,
  waitForEvents,
  type Services,
} from './helpers.js';

let s: Services;

beforeAll(async () => {
  s = await startServices();
});
afterAll(() => s?.close());

const transitions = (orderId: string) => s.order.models.Transition.find({ orderId }).sort({ version: 1 }).lean();

/** Pays an order the way the payment service will: a payment.succeeded event on JetStream. */
async function pay(orderId: string, total: number) {
  const { event } = await publish(s, 'shop.payment.succeeded.v1', {
    paymentId: randomUUID(),
    orderId,
    amount: total,
    currency: 'USD',
    providerReference: `ch_${randomUUID().slice(0, 8)}`,
  });
  await waitFor(`order ${orderId} to be PAID`, async () => (await s.order.store.get(orderId))?.status === 'PAID');
  return event;
}

describe('order status changes', () => {
  it('walks PENDING_PAYMENT → PAID → SHIPPED → DELIVERED with a timeline, tracking and one event per step', async () => {
    const p = await createProduct(s, { price: 500 });
    const order = await placeOrder(s, [{ productId: p, quantity: 2 }], CUSTOMER);
    await pay(order.id, order.total.amount);

    const shipped = await mutate(s, 'ship', { id: order.id, carrier: ' DHL ', trackingNumber: 'JD0146' }, ADMIN);
    expect(shipped.userErrors).toEqual([]);
    expect(shipped.order!.status).toBe('SHIPPED');
    expect(shipped.order!.tracking).toEqual({ carrier: 'DHL', trackingNumber: 'JD0146' });

    const delivered = await mutate(s, 'deliver', { id: order.id }, ADMIN);
    expect(delivered.userErrors).toEqual([]);
    const final = delivered.order!;
    expect(final.status).toBe('DELIVERED');
    expect(final.timeline.map((e) => [e.status, e.note])).toEqual([
      ['PENDING_PAYMENT', 'Order placed'],
      ['PAID', expect.stringMatching(/^Paid \(payment [0-9a-f-]{36}\)$/)],
      ['SHIPPED', 'Shipped with DHL, tracking number JD0146'],
      ['DELIVERED', 'Delivered'],
    ]);
    const times = final.timeline.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(final.updatedAt).toBe(final.timeline.at(-1)!.at);

    // state: versions 1..3, each from the previous status
    expect((await transitions(order.id)).map((t) => [t.version, t.from, t.status])).toEqual([
      [1, 'PENDING_PAYMENT', 'PAID'],
      [2, 'PAID', 'SHIPPED'],
      [3, 'SHIPPED', 'DELIVERED'],
    ]);
    const [shippedEvent] = await waitForEvents(s, 'shop.order.shipped.v1', order.id);
    expect(shippedEvent!.data).toEqual({
      orderId: order.id,
      number: order.number,
      carrier: 'DHL',
      trackingNumber: 'JD0146',
      email: 'ada@example.com',
    });
    const [deliveredEvent] = await waitForEvents(s, 'shop.order.delivered.v1', order.id);
    expect(deliveredEvent!.data).toEqual({ orderId: order.id, number: order.number });
    expect(await orderEvents(s, 'shop.order.shipped.v1', order.id)).toHaveLength(1);
  });

  it('refuses illegal changes with user errors and the unchanged order, writing nothing', async () => {
    const p = await createProduct(s);
    const order = await placeOrder(s, [{ productId: p, quantity: 1 }]);
    const ship = await mutate(s, 'ship', { id: order.id, carrier: 'DHL', trackingNumber: '1' }, ADMIN);
    expect(ship.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_TRANSITION', message: expect.stringContaining('PENDING_PAYMENT') }),
    ]);
    expect(ship.order!.status).toBe('PENDING_PAYMENT');
    const deliver = await mutate(s, 'deliver', { id: order.id }, ADMIN);
    expect(deliver.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_TRANSITION' })]);

    await pay(order.id, order.total.amount);
    await mutate(s, 'ship', { id: order.id, carrier: 'UPS', trackingNumber: '1Z' }, ADMIN);
    const cancelShipped = await mutate(s, 'cancel', { id: order.id });
    expect(cancelShipped.userErrors).toEqual([expect.objectContaining({ code: 'ORDER_NOT_CANCELLABLE', field: ['id'] })]);
    expect(cancelShipped.order!.status).toBe('SHIPPED');
    const shipAgain = await mutate(s, 'ship', { id: order.id, carrier: 'UPS', trackingNumber: '2Z' }, ADMIN);
    expect(shipAgain.userErrors[0]!.code).toBe('INVALID_TRANSITION');
    expect(shipAgain.order!.tracking).toEqual({ carrier: 'UPS', trackingNumber: '1Z' });
    expect((await transitions(order.id)).map((t) => t.status)).toEqual(['PAID', 'SHIPPED']);
  });

  it('delivers once when marked delivered twice, even at the same moment', async () => {
    const p = await createProduct(s);
    const order = await placeOrder(s, [{ productId: p, quantity: 1 }]);
    await pay(order.id, order.total.amount);
    await mutate(s, 'ship', { id: order.id, carrier: 'DHL', trackingNumber: 'X' }, ADMIN);
    const results = await Promise.all([1, 2, 3].map(() => mutate(s, 'deliver', { id: order.id }, ADMIN)));
    expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(1);
    expect(results.filter((r) => r.userErrors[0]?.code === 'INVALID_TRANSITION')).toHaveLength(2);
    expect(results.every((r) => r.order!.status === 'DELIVERED')).toBe(true);
    expect((await transitions(order.id)).filter((t) => t.status === 'DELIVERED')).toHaveLength(1);
    await waitForEvents(s, 'shop.order.delivered.v1', order.id);
    expect(await orderEvents(s, 'shop.order.delivered.v1', order.id)).toHaveLength(1);
  });

  it('cancels a PENDING_PAYMENT order and product gives the stock back exactly once', async () => {
    const p = await createProduct(s, { initialStock: 10 });
    const order = await placeOrder(s, [{ productId: p, quantity: 4 }]);
    expect(await available(s, p)).toBe(6);
    const res = await mutate(s, 'cancel', { id: order.id, reason: 'changed my mind' });
    expect(res.userErrors).toEqual([]);
    expect(res.order!.status).toBe('CANCELLED');
    expect(res.order!.timeline.at(-1)).toMatchObject({ status: 'CANCELLED', note: 'changed my mind' });

    const [cancelled] = await waitForEvents(s, 'shop.order.cancelled.v1', order.id);
    expect(cancelled!.data).toEqual({
      orderId: order.id,
      number: order.number,
      reason: 'changed my mind',
      wasPaid: false,
      lines: [{ productId: p, quantity: 4 }],
      email: 'ada@example.com',
    });
    await waitFor('the stock to come back', async () => (await available(s, p)) === 10);
    expect((await movementsOf(s, order.id)).map((m) => [m.kind, m.quantity])).toEqual([
      ['RESERVATION', -4],
      ['RELEASE', 4],
    ]);

    // the same event delivered again (as after a redelivery past JetStream's duplicate window) releases nothing more
    await publish(s, 'shop.order.cancelled.v1', cancelled!.data as never, { event: cancelled!, msgID: `again:${cancelled!.id}` });
    const { seq } = await publish(s, 'shop.order.cancelled.v1', cancelled!.data as never, {
      event: cancelled!,
      msgID: `again2:${cancelled!.id}`,
    });
    await waitForAck(s, 'ORDERS', 'product--order-cancelled', seq);
    expect(await available(s, p)).toBe(10);
    expect((await movementsOf(s, order.id)).filter((m) => m.kind === 'RELEASE')).toHaveLength(1);
    expect(await listDeadLetters(s.jsm!, { consumer: 'product--order-cancelled' })).toEqual([]);

    // a second cancel is refused and changes nothing
    const again = await mutate(s, 'cancel', { id: order.id });
    expect(again.userErrors).toEqual([expect.objectContaining({ code: 'ORDER_NOT_CANCELLABLE' })]);
    expect(new Set((await orderEvents(s, 'shop.order.cancelled.v1', order.id)).map((e) => e.id)).size).toBe(1);
    expect(await s.order.models.Transition.countDocuments({ orderId: order.id, status: 'CANCELLED' })).toBe(1);
  });

  it('cancels a PAID order with wasPaid (payment refunds it) and the stock comes back', async () => {
    const p = await createProduct(s, { initialStock: 5 });
    const order = await placeOrder(s, [{ productId: p, quantity: 5 }], CUSTOMER);
    await pay(order.id, order.total.amount);
    const res = await mutate(s, 'cancel', { id: order.id }, CUSTOMER);
    expect(res.userErrors).toEqual([]);
    expect(res.order!.timeline.map((e) => e.status)).toEqual(['PENDING_PAYMENT', 'PAID', 'CANCELLED']);
    expect(res.order!.timeline.at(-1)!.note).toBe('Cancelled by the customer');
    const [cancelled] = await waitForEvents(s, 'shop.order.cancelled.v1', order.id);
    expect(cancelled!.data).toMatchObject({ wasPaid: true, reason: 'Cancelled by the customer' });
    await waitFor('the stock to come back', async () => (await available(s, p)) === 5);
  });

  it('lets only one of concurrent cancels happen', async () => {
    const p = await createProduct(s, { initialStock: 5 });
    const order = await placeOrder(s, [{ productId: p, quantity: 1 }]);
    const results = await Promise.all([1, 2, 3, 4].map(() => mutate(s, 'cancel', { id: order.id })));
    expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(1);
    expect(results.filter((r) => r.userErrors[0]?.code === 'ORDER_NOT_CANCELLABLE')).toHaveLength(3);
    expect(await transitions(order.id)).toHaveLength(1);
    await waitFor('the stock to come back', async () => (await available(s, p)) === 5);
  });

  it('applies the access rules: owner, guest order by id, admin; others get ORDER_NOT_FOUND or FORBIDDEN', async () => {
    const p = await createProduct(s);
    const alices = await placeOrder(s, [{ productId: p, quantity: 1 }], CUSTOMER);
    const guests = await placeOrder(s, [{ productId: p, quantity: 1 }]);
    for (const caller of [OTHER_CUSTOMER, GUEST]) {
      expect(await mutate(s, 'cancel', { id: alices.id }, caller)).toEqual({
        order: null,
        userErrors: [expect.objectContaining({ code: 'ORDER_NOT_FOUND', field: ['id'] })],
      });
    }
    expect(await mutate(s, 'cancel', { id: randomUUID() }, CUSTOMER)).toEqual({
      order: null,
      userErrors: [expect.objectContaining({ code: 'ORDER_NOT_FOUND' })],
    });
    expect(await transitions(alices.id)).toEqual([]);
    // a guest order: whoever holds its id; admins: any order
    expect((await mutate(s, 'cancel', { id: guests.id }, OTHER_CUSTOMER)).order!.status).toBe('CANCELLED');
    expect((await mutate(s, 'cancel', { id: alices.id }, ADMIN)).order!.timeline.at(-1)!.note).toBe('Cancelled by an admin');

    const gql = client(s.order.url);
    for (const [caller, code] of [
      [CUSTOMER, 'FORBIDDEN'],
      [GUEST, 'UNAUTHENTICATED'],
    ] as const) {
      for (const query of [
        `mutation ($id: ID!) { shipOrder(id: $id, carrier: "DHL", trackingNumber: "1") { userErrors { code } } }`,
        `mutation ($id: ID!) { markOrderDelivered(id: $id) { userErrors { code } } }`,
      ]) {
        const res = await gql(query, { id: guests.id }, caller);
        expect(res.errors?.[0]?.extensions?.code).toBe(code);
      }
    }
    const partner = await gql(
      `mutation ($id: ID!) { cancelOrder(id: $id) { userErrors { code } } }`,
      { id: guests.id },
      { kind: 'partner', partnerId: 'x' },
    );
    expect(partner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses malformed input as BAD_USER_INPUT', async () => {
    const p = await createProduct(s);
    const order = await placeOrder(s, [{ productId: p, quantity: 1 }]);
    const gql = client(s.order.url, ADMIN);
    const bad = [
      [`mutation { cancelOrder(id: "nope") { userErrors { code } } }`, {}],
      [
        `mutation ($id: ID!) { cancelOrder(id: $id, reason: $r) { userErrors { code } } }`.replace('$r', `"${'x'.repeat(501)}"`),
        { id: order.id },
      ],
      [`mutation ($id: ID!) { shipOrder(id: $id, carrier: " ", trackingNumber: "1") { userErrors { code } } }`, { id: order.id }],
      [
        `mutation ($id: ID!) { shipOrder(id: $id, carrier: "DHL", trackingNumber: "${'9'.repeat(101)}") { userErrors { code } } }`,
        { id: order.id },
      ],
      [`mutation { markOrderDelivered(id: "{\\"$ne\\": null}") { userErrors { code } } }`, {}],
    ] as const;
    for (const [query, variables] of bad) {
      const res = await gql(query, variables);
      expect(res.errors?.[0]?.extensions?.code, query).toBe('BAD_USER_INPUT');
    }
    expect(await transitions(order.id)).toEqual([]);
  });
});
