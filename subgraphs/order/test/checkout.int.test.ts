import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CUSTOMER, GUEST, OTHER_CUSTOMER, waitFor } from '@shop/harness';
import {
  ADDRESS,
  archiveProduct,
  available,
  cartStatus,
  checkoutInput,
  client,
  createProduct,
  movementsOf,
  mutate,
  newCart,
  orderEvents,
  startServices,
  waitForEvents,
  type Services,
} from './helpers.js';

let s: Services;

beforeAll(async () => {
  s = await startServices();
});
afterAll(() => s?.close());

const orderCount = () => s.order.models.Order.countDocuments({});

describe('checkout', () => {
  it('turns a cart into a PENDING_PAYMENT order: numbered, priced, stock reserved, cart CHECKED_OUT, one order.placed', async () => {
    const mug = await createProduct(s, { price: 1299, initialStock: 10 });
    const pen = await createProduct(s, { price: 333, initialStock: 50 });
    const cartId = await newCart(s, [
      { productId: mug, quantity: 2 },
      { productId: pen, quantity: 3 },
    ]);
    const key = randomUUID();
    const payload = await mutate(s, 'checkout', checkoutInput(cartId, { idempotencyKey: key, phone: ' +44 20 7946 0958 ' }));

    expect(payload.userErrors).toEqual([]);
    const order = payload.order!;
    const year = new Date().getUTCFullYear();
    expect(order.number).toMatch(new RegExp(`^SO-${year}-\\d{6}$`));
    expect(order.status).toBe('PENDING_PAYMENT');
    expect(order.lines.map((l) => [l.product.id, l.quantity, l.unitPrice.amount, l.lineTotal.amount])).toEqual([
      [mug, 2, 1299, 2598],
      [pen, 3, 333, 999],
    ]);
    expect(order.lines[0]!.sku).toMatch(/^ORD-/);
    // 20 % tax per line, half-up: 2598 → 519.6 → 520; 999 → 199.8 → 200
    expect([order.subtotal.amount, order.tax.amount, order.total.amount, order.total.currency]).toEqual([3597, 720, 4317, 'USD']);
    expect(order.email).toBe('ada@example.com');
    expect(order.phone).toBe('+44 20 7946 0958');
    expect(order.shippingAddress).toEqual({ ...ADDRESS, line2: null, region: null });
    expect(order.timeline).toEqual([{ status: 'PENDING_PAYMENT', at: order.createdAt, note: 'Order placed' }]);
    expect(order.tracking).toBeNull();

    // state: the stock is reserved for this order, the cart is checked out, the order is stored once
    expect(await available(s, mug)).toBe(8);
    expect(await available(s, pen)).toBe(47);
    expect((await movementsOf(s, order.id)).map((m) => [m.kind, m.quantity])).toEqual([
      ['RESERVATION', -2],
      ['RESERVATION', -3],
    ]);
    expect(await cartStatus(s, cartId)).toBe('CHECKED_OUT');
    const doc = await s.order.models.Order.findById(order.id).lean();
    expect(doc).toMatchObject({ cartId, idempotencyKey: key, customerId: null, number: order.number });

    // exactly one valid order.placed on JetStream (the relay published the order's own outbox entry)
    const [placed, ...more] = await waitForEvents(s, 'shop.order.placed.v1', order.id);
    expect(more).toEqual([]);
    expect(placed).toMatchObject({
      type: 'shop.order.placed.v1',
      source: 'order',
      data: {
        orderId: order.id,
        number: order.number,
        email: 'ada@example.com',
        phone: '+44 20 7946 0958',
        subtotal: 3597,
        tax: 720,
        total: 4317,
        currency: 'USD',
        lines: [
          { productId: mug, quantity: 2, unitPrice: 1299, lineTotal: 2598, sku: order.lines[0]!.sku, name: order.lines[0]!.name },
          { productId: pen, quantity: 3, unitPrice: 333, lineTotal: 999, sku: order.lines[1]!.sku, name: order.lines[1]!.name },
        ],
      },
    });
    expect(placed!.data).not.toHaveProperty('customerId');
    await waitFor(
      'the outbox entry to be marked published',
      async () => (await s.order.models.Order.findById(order.id).lean())?.publishedAt,
    );
    // product consumed order.placed: the reservation is confirmed, so its sweeper will not release it
    await waitFor('product to confirm the reservation', () => s.product.models.ReservationDecision.findById(order.id).lean());
    expect((await s.product.models.ReservationDecision.findById(order.id).lean())!.decision).toBe('CONFIRMED');
  });

  it('numbers orders SO-<year>-<6 digits>, increasing', async () => {
    const p = await createProduct(s);
    const numbers: string[] = [];
    for (let i = 0; i < 3; i++) {
      const cartId = await newCart(s, [{ productId: p, quantity: 1 }]);
      numbers.push((await mutate(s, 'checkout', checkoutInput(cartId))).order!.number);
    }
    const seqs = numbers.map((n) => Number(n.slice(-6)));
    expect(seqs[1]).toBeGreaterThan(seqs[0]!);
    expect(seqs[2]).toBeGreaterThan(seqs[1]!);
  });

  it('returns the same order for the same idempotency key, without reserving again', async () => {
    const p = await createProduct(s, { initialStock: 10 });
    const cartId = await newCart(s, [{ productId: p, quantity: 4 }]);
    const input = checkoutInput(cartId);
    const first = await mutate(s, 'checkout', input);
    const again = await mutate(s, 'checkout', input);
    expect(again.userErrors).toEqual([]);
    expect(again.order!.id).toBe(first.order!.id);
    expect(again.order!.number).toBe(first.order!.number);
    expect(await available(s, p)).toBe(6);
    expect(await movementsOf(s, first.order!.id)).toHaveLength(1);
    expect(await s.order.models.Order.countDocuments({ cartId })).toBe(1);
    await waitForEvents(s, 'shop.order.placed.v1', first.order!.id);
    expect(await orderEvents(s, 'shop.order.placed.v1', first.order!.id)).toHaveLength(1);
  });

  it('refuses a cart that was already checked out with CART_NOT_ACTIVE, changing nothing', async () => {
    const p = await createProduct(s, { initialStock: 10 });
    const cartId = await newCart(s, [{ productId: p, quantity: 1 }]);
    expect((await mutate(s, 'checkout', checkoutInput(cartId))).userErrors).toEqual([]);
    const before = await orderCount();
    const second = await mutate(s, 'checkout', checkoutInput(cartId));
    expect(second).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'CART_NOT_ACTIVE', field: ['input', 'cartId'] })] });
    expect(await orderCount()).toBe(before);
    expect(await available(s, p)).toBe(9);
  });

  it("lets a customer check out only their own cart (or an admin), and a guest cart by id; the order is the customer's", async () => {
    const p = await createProduct(s, { initialStock: 20 });
    const alices = await newCart(s, [{ productId: p, quantity: 1 }], CUSTOMER);
    const before = await orderCount();
    for (const caller of [OTHER_CUSTOMER, GUEST]) {
      const refused = await mutate(s, 'checkout', checkoutInput(alices), caller);
      expect(refused).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'CART_NOT_FOUND' })] });
    }
    expect(await orderCount()).toBe(before);
    expect(await available(s, p)).toBe(20);
    expect(await cartStatus(s, alices)).toBe('ACTIVE');

    const mine = await mutate(s, 'checkout', checkoutInput(alices), CUSTOMER);
    expect(mine.userErrors).toEqual([]);
    expect((await s.order.models.Order.findById(mine.order!.id).lean())!.customerId).toBe('alice');

    const guestCart = await newCart(s, [{ productId: p, quantity: 1 }]);
    const signedIn = await mutate(s, 'checkout', checkoutInput(guestCart), OTHER_CUSTOMER);
    expect((await s.order.models.Order.findById(signedIn.order!.id).lean())!.customerId).toBe('bob');

    const bobs = await newCart(s, [{ productId: p, quantity: 1 }], OTHER_CUSTOMER);
    const byAdmin = await mutate(s, 'checkout', checkoutInput(bobs), ADMIN);
    expect(byAdmin.userErrors).toEqual([]);
    expect((await s.order.models.Order.findById(byAdmin.order!.id).lean())!.customerId).toBe('bob');

    // partners and services never check out
    const partner = await client(s.order.url)(
      `mutation ($input: CheckoutInput!) { checkout(input: $input) { userErrors { code } } }`,
      checkoutInput(guestCart),
      {
        kind: 'partner',
        partnerId: 'p1',
      },
    );
    expect(partner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('answers bad input with clear errors and changes nothing: ids, empty cart, email, phone, address, archived products, stock', async () => {
    const p = await createProduct(s, { initialStock: 3 });
    const old = await createProduct(s, { initialStock: 3 });
    const cartId = await newCart(s, [{ productId: p, quantity: 2 }]);
    const empty = await newCart(s, []);
    const withOld = await newCart(s, [{ productId: old, quantity: 1 }]);
    await archiveProduct(s, old);
    const tooMany = await newCart(s, [{ productId: p, quantity: 3 }]);
    await mutate(s, 'checkout', checkoutInput(await newCart(s, [{ productId: p, quantity: 1 }]))); // 2 left now
    const before = await orderCount();

    const cases: [Record<string, unknown>, string, string[]][] = [
      [{ cartId: randomUUID() }, 'CART_NOT_FOUND', ['input', 'cartId']],
      [{ cartId: empty }, 'CART_EMPTY', ['input', 'cartId']],
      [{ cartId: withOld }, 'PRODUCT_UNAVAILABLE', ['input', 'cartId']],
      [{ cartId: tooMany }, 'OUT_OF_STOCK', ['input', 'cartId']],
      [{ email: 'not-an-email' }, 'INVALID_EMAIL', ['input', 'email']],
      [{ email: '' }, 'INVALID_EMAIL', ['input', 'email']],
      [{ phone: 'call me' }, 'INVALID_PHONE', ['input', 'phone']],
      [{ shippingAddress: { ...ADDRESS, country: 'XX' } }, 'INVALID_ADDRESS', ['input', 'shippingAddress', 'country']],
      [{ shippingAddress: { ...ADDRESS, country: 'GBR' } }, 'INVALID_ADDRESS', ['input', 'shippingAddress', 'country']],
      [{ shippingAddress: { ...ADDRESS, line1: '   ' } }, 'INVALID_ADDRESS', ['input', 'shippingAddress', 'line1']],
      [{ shippingAddress: { ...ADDRESS, postalCode: '' } }, 'INVALID_ADDRESS', ['input', 'shippingAddress', 'postalCode']],
      [{ shippingAddress: { ...ADDRESS, city: 'x'.repeat(201) } }, 'INVALID_ADDRESS', ['input', 'shippingAddress', 'city']],
    ];
    for (const [vars, code, field] of cases) {
      const res = await mutate(s, 'checkout', checkoutInput(cartId, vars));
      expect(res.order, code).toBeNull();
      expect(res.userErrors, JSON.stringify(vars)).toContainEqual(expect.objectContaining({ code, field }));
    }
    const outOfStock = await mutate(s, 'checkout', checkoutInput(tooMany));
    expect(outOfStock.userErrors[0]!.message).toBe(`only 2 left of product ${p}, 3 wanted`);
    // several address problems at once
    const many = await mutate(
      s,
      'checkout',
      checkoutInput(cartId, { email: 'x', shippingAddress: { ...ADDRESS, name: '', country: 'zz' } }),
    );
    expect(many.userErrors.map((e) => e.code).sort()).toEqual(['INVALID_ADDRESS', 'INVALID_ADDRESS', 'INVALID_EMAIL']);

    for (const input of [
      { cartId: 'not-a-uuid' },
      { cartId: '{"$ne": null}' },
      { idempotencyKey: '' },
      { idempotencyKey: 'k'.repeat(201) },
    ]) {
      const res = await client(s.order.url)(
        `mutation ($input: CheckoutInput!) { checkout(input: $input) { userErrors { code } } }`,
        checkoutInput(cartId, input),
      );
      expect(res.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(res)).not.toMatch(/INTERNAL_SERVER_ERROR|stacktrace/);
    }

    expect(await orderCount()).toBe(before);
    expect(await available(s, p)).toBe(2);
    expect(await s.product.models.Reservation.countDocuments({})).toBe(before);
    for (const id of [cartId, empty, withOld, tooMany]) expect(await cartStatus(s, id)).toBe('ACTIVE');
  });

  it('gives the reservation back when writing the order fails, and says nothing internal', async () => {
    const p = await createProduct(s, { initialStock: 5 });
    const cartId = await newCart(s, [{ productId: p, quantity: 2 }]);
    const place = s.order.store.place.bind(s.order.store);
    s.order.store.place = () => Promise.reject(new Error('database went away'));
    try {
      const res = await client(s.order.url)(
        `mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id } } }`,
        checkoutInput(cartId),
      );
      expect(res.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(res)).not.toContain('database went away');
    } finally {
      s.order.store.place = place;
    }
    expect(await available(s, p)).toBe(5);
    const reservation = (await s.product.models.Reservation.find({}).sort({ createdAt: -1 }).limit(1).lean())[0]!;
    expect((await movementsOf(s, reservation._id)).map((m) => m.kind)).toEqual(['RESERVATION', 'RELEASE']);
    expect(await s.order.models.Order.countDocuments({ cartId })).toBe(0);
    expect(await cartStatus(s, cartId)).toBe('ACTIVE');
  });

  it('retries a release that failed, so the stock comes back once product answers again, not after RESERVATION_TTL', async () => {
    const p = await createProduct(s, { initialStock: 5 });
    const cartId = await newCart(s, [{ productId: p, quantity: 2 }]);
    const place = s.order.store.place.bind(s.order.store);
    const release = s.order.services.release.bind(s.order.services);
    const refusals = { left: 2 };
    s.order.store.place = () => Promise.reject(new Error('database went away'));
    s.order.services.release = (...args) => (refusals.left-- > 0 ? Promise.reject(new Error('product unavailable')) : release(...args));
    try {
      const res = await client(s.order.url)(
        `mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id } } }`,
        checkoutInput(cartId),
      );
      expect(res.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(await available(s, p)).toBe(3); // the first release failed: still held
      expect(s.order.checkout.releases.retrying).toBe(1);
      // Retried after 1 s (refused again), then after 2 s more.
      await waitFor('the stock given back by a retried release', async () => (await available(s, p)) === 5 || undefined, {
        timeoutMs: 15_000,
        intervalMs: 200,
      });
    } finally {
      s.order.store.place = place;
      s.order.services.release = release;
    }
    expect(refusals.left).toBe(-1); // two refused attempts and the one that went through
    expect(s.order.checkout.releases.retrying).toBe(0);
    const reservation = (await s.product.models.Reservation.find({}).sort({ createdAt: -1 }).limit(1).lean())[0]!;
    expect((await movementsOf(s, reservation._id)).map((m) => m.kind)).toEqual(['RESERVATION', 'RELEASE']);
    expect(await s.order.models.Order.countDocuments({ cartId })).toBe(0);
  });

  it('keeps the stock of an order whose insert failed for the caller but was written, and the same key then returns it', async () => {
    const p = await createProduct(s, { initialStock: 5 });
    const cartId = await newCart(s, [{ productId: p, quantity: 2 }]);
    const input = checkoutInput(cartId);
    const mutation = `mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id status } userErrors { code } } }`;
    const place = s.order.store.place.bind(s.order.store);
    s.order.store.place = async (...args) => {
      await place(...args);
      throw new Error('connection reset after the insert was applied');
    };
    try {
      const res = await client(s.order.url)(mutation, input);
      expect(res.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      s.order.store.place = place;
    }
    expect(await available(s, p)).toBe(3);
    expect(s.order.checkout.releases.retrying).toBe(0);
    const again = await client(s.order.url)(mutation, input);
    const order = (again.data as { checkout: { order: { id: string; status: string } } }).checkout.order;
    expect(order.status).toBe('PENDING_PAYMENT');
    expect((await movementsOf(s, order.id)).map((m) => m.kind)).toEqual(['RESERVATION']);
    expect(await available(s, p)).toBe(3);
  });

  it('completes an interrupted checkout when repeated with the same key: the cart call failed after the order was written', async () => {
    const p = await createProduct(s, { initialStock: 5 });
    const cartId = await newCart(s, [{ productId: p, quantity: 1 }]);
    const input = checkoutInput(cartId);
    const mark = s.order.services.markCartCheckedOut.bind(s.order.services);
    let calls = 0;
    s.order.services.markCartCheckedOut = () => {
      calls++;
      return Promise.reject(new Error('cart service unreachable'));
    };
    try {
      const res = await client(s.order.url)(`mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id } } }`, input);
      expect(res.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      s.order.services.markCartCheckedOut = mark;
    }
    expect(calls).toBe(3);
    const written = await s.order.models.Order.find({ cartId }).lean();
    expect(written).toHaveLength(1);
    expect(await cartStatus(s, cartId)).toBe('ACTIVE');

    const again = await mutate(s, 'checkout', input);
    expect(again.userErrors).toEqual([]);
    expect(again.order!.id).toBe(written[0]!._id);
    expect(await cartStatus(s, cartId)).toBe('CHECKED_OUT');
    expect(await available(s, p)).toBe(4);
  });

  it('normalises the address: trimmed fields, country in upper case, optional parts kept', async () => {
    const p = await createProduct(s);
    const cartId = await newCart(s, [{ productId: p, quantity: 1 }]);
    const res = await mutate(
      s,
      'checkout',
      checkoutInput(cartId, { shippingAddress: { ...ADDRESS, name: '  Ada  ', country: 'de', line2: 'Flat 2', region: ' Berlin ' } }),
    );
    expect(res.order!.shippingAddress).toEqual({ ...ADDRESS, name: 'Ada', country: 'DE', line2: 'Flat 2', region: 'Berlin' });
  });
});
