import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { GUEST } from '@shop/harness';
import {
  archive,
  client,
  createProduct,
  expectConsistentLog,
  lineQuantities,
  mutate,
  newCart,
  OPS,
  setPrice,
  startServices,
  type Gql,
  type Services,
} from './helpers.js';

let svc: Services;
let gql: Gql;
let mug: string; // 1299, 10 in stock
let pen: string; // 333, 100 in stock
let lamp: string; // 4550, 3 in stock

beforeAll(async () => {
  svc = await startServices();
  gql = client(svc.cart.url);
  [mug, pen, lamp] = await Promise.all([
    createProduct(svc.product, { price: 1299, initialStock: 10 }),
    createProduct(svc.product, { price: 333, initialStock: 100 }),
    createProduct(svc.product, { price: 4550, initialStock: 3 }),
  ]);
});
afterAll(() => svc?.close());

/** What the store holds for a cart: version and lines, to prove a refused call changed nothing. */
const stored = async (id: string) => {
  const state = await svc.cart.store.get(id);
  return { version: state?.version, lines: state?.lines };
};

describe('cart lines', () => {
  it('creates a guest cart with lines, priced from the catalog with tax per line', async () => {
    const cart = await newCart(gql, [
      { productId: mug, quantity: 2 },
      { productId: pen, quantity: 3 },
    ]);
    expect(cart.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(cart.status).toBe('ACTIVE');
    expect(cart.lines.map((l) => [l.product.id, l.quantity, l.unitPrice.amount, l.lineTotal.amount, l.available])).toEqual([
      [mug, 2, 1299, 2598, true],
      [pen, 3, 333, 999, true],
    ]);
    // tax: 2598 × 20 % = 519.6 → 520; 999 × 20 % = 199.8 → 200
    expect(cart.cost).toEqual({
      subtotal: { amount: 3597, currency: 'USD' },
      tax: { amount: 720, currency: 'USD' },
      total: { amount: 4317, currency: 'USD' },
    });
    expect(cart.totalQuantity).toBe(5);
    expect(Date.parse(cart.expiresAt) - Date.parse(cart.updatedAt)).toBe(7 * 24 * 3600 * 1000);
    expect(await stored(cart.id)).toEqual({
      version: 1,
      lines: [
        { productId: mug, quantity: 2 },
        { productId: pen, quantity: 3 },
      ],
    });
  });

  it('adds to existing lines, updates, removes, and reprices at the current price', async () => {
    const { id } = await newCart(gql, [{ productId: mug, quantity: 1 }]);
    let res = await mutate(gql, 'add', {
      cartId: id,
      lines: [
        { productId: mug, quantity: 2 },
        { productId: lamp, quantity: 1 },
      ],
    });
    expect(res.userErrors).toEqual([]);
    expect(lineQuantities(res.cart)).toEqual({ [mug]: 3, [lamp]: 1 });

    res = await mutate(gql, 'update', {
      cartId: id,
      lines: [
        { productId: mug, quantity: 5 },
        { productId: pen, quantity: 2 },
      ],
    });
    expect(lineQuantities(res.cart)).toEqual({ [mug]: 5, [lamp]: 1, [pen]: 2 });

    res = await mutate(gql, 'update', { cartId: id, lines: [{ productId: lamp, quantity: 0 }] });
    expect(lineQuantities(res.cart)).toEqual({ [mug]: 5, [pen]: 2 });

    res = await mutate(gql, 'remove', { cartId: id, productIds: [pen, lamp] });
    expect(lineQuantities(res.cart)).toEqual({ [mug]: 5 });

    const other = await createProduct(svc.product, { price: 250 });
    await mutate(gql, 'add', { cartId: id, lines: [{ productId: other, quantity: 4 }] });
    await setPrice(svc.product, other, 199);
    const read = (await gql(OPS.cart, { id })).data!.cart;
    // 1299 × 5 = 6495 → tax 1299; 199 × 4 = 796 → tax 159.2 → 159
    expect(read.cost.total.amount).toBe(6495 + 1299 + 796 + 159);
    expect(await stored(id)).toMatchObject({
      lines: [
        { productId: mug, quantity: 5 },
        { productId: other, quantity: 4 },
      ],
    });
    const log = await expectConsistentLog(svc.cart, id);
    expect(log.map((r) => r.kind)).toEqual(['LINES', 'LINES', 'LINES', 'LINES', 'LINES', 'LINES']);
  });

  it('refuses bad input with clear errors and leaves the cart unchanged', async () => {
    const { id } = await newCart(gql, [{ productId: pen, quantity: 1 }]);
    const before = await stored(id);
    const missing = new Types.ObjectId().toHexString();
    const userErrorCases: [string, Record<string, unknown>, string, string[]][] = [
      ['add', { lines: [{ productId: mug, quantity: 0 }] }, 'INVALID_QUANTITY', ['lines', '0', 'quantity']],
      ['add', { lines: [{ productId: mug, quantity: -1 }] }, 'INVALID_QUANTITY', ['lines', '0', 'quantity']],
      ['add', { lines: [{ productId: mug, quantity: 1_000_000_000 }] }, 'INVALID_QUANTITY', ['lines', '0', 'quantity']],
      ['update', { lines: [{ productId: pen, quantity: -1 }] }, 'INVALID_QUANTITY', ['lines', '0', 'quantity']],
      ['add', { lines: [{ productId: missing, quantity: 1 }] }, 'PRODUCT_NOT_FOUND', ['lines', '0', 'productId']],
      ['add', { lines: [{ productId: lamp, quantity: 4 }] }, 'OUT_OF_STOCK', ['lines', '0', 'quantity']],
      ['add', { lines: Array.from({ length: 200 }, () => ({ productId: mug, quantity: 1 })) }, 'TOO_MANY_LINES', ['lines']],
      // one good line and one bad: nothing is applied
      [
        'add',
        {
          lines: [
            { productId: mug, quantity: 1 },
            { productId: missing, quantity: 1 },
          ],
        },
        'PRODUCT_NOT_FOUND',
        ['lines', '1', 'productId'],
      ],
    ];
    for (const [op, vars, code, field] of userErrorCases) {
      const res = await mutate(gql, op as 'add', { cartId: id, ...vars });
      expect(res.userErrors, `${op} ${JSON.stringify(vars).slice(0, 80)}`).toEqual([expect.objectContaining({ code, field })]);
      expect(lineQuantities(res.cart)).toEqual({ [pen]: 1 });
    }
    const outOfStock = await mutate(gql, 'add', { cartId: id, lines: [{ productId: lamp, quantity: 4 }] });
    expect(outOfStock.userErrors[0]!.message).toBe(`only 3 left of product ${lamp}`);

    const badInputCases: [string, Record<string, unknown>][] = [
      [OPS.add, { cartId: id, lines: [{ productId: '{"$ne": null}', quantity: 1 }] }],
      [OPS.add, { cartId: id, lines: [{ productId: { $ne: null }, quantity: 1 }] }],
      [OPS.add, { cartId: { $ne: null }, lines: [{ productId: mug, quantity: 1 }] }],
      [OPS.add, { cartId: 'not-a-cart', lines: [{ productId: mug, quantity: 1 }] }],
      [OPS.add, { cartId: id, lines: [{ productId: mug, quantity: 10_000_000_000 }] }],
      [
        OPS.update,
        {
          cartId: id,
          lines: [
            { productId: mug, quantity: 1 },
            { productId: mug, quantity: 2 },
          ],
        },
      ],
      [OPS.remove, { cartId: id, productIds: ['{"$gt": ""}'] }],
      [OPS.cart, { id: '{"$ne": null}' }],
    ];
    for (const [query, variables] of badInputCases) {
      const res = await gql(query, variables);
      expect(res.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(res)).not.toMatch(/INTERNAL_SERVER_ERROR|stacktrace/);
    }
    expect(await stored(id)).toEqual(before);
  });

  it('refuses to raise archived products but lets them be lowered and removed', async () => {
    const gone = await createProduct(svc.product, { price: 700, initialStock: 5 });
    const { id } = await newCart(gql, [{ productId: gone, quantity: 3 }]);
    await archive(svc.product, gone);
    const read = (await gql(OPS.cart, { id })).data!.cart;
    expect(read.lines[0]).toMatchObject({ quantity: 3, available: false, unitPrice: { amount: 700 } });
    const raise = await mutate(gql, 'add', { cartId: id, lines: [{ productId: gone, quantity: 1 }] });
    expect(raise.userErrors).toEqual([expect.objectContaining({ code: 'PRODUCT_UNAVAILABLE', field: ['lines', '0', 'productId'] })]);
    expect(lineQuantities((await mutate(gql, 'update', { cartId: id, lines: [{ productId: gone, quantity: 1 }] })).cart)).toEqual({
      [gone]: 1,
    });
    expect((await mutate(gql, 'remove', { cartId: id, productIds: [gone] })).cart!.lines).toEqual([]);
  });

  it('refuses a line beyond MAX_LINE_QUANTITY counting what the cart holds, and a product beyond MAX_CART_LINES', async () => {
    const { id } = await newCart(gql, [{ productId: pen, quantity: 98 }]);
    const over = await mutate(gql, 'add', { cartId: id, lines: [{ productId: pen, quantity: 2 }] });
    expect(over.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_QUANTITY', message: 'a line holds at most 99 units; the cart already holds 98' }),
    ]);
    expect(lineQuantities(over.cart)).toEqual({ [pen]: 98 });

    const small = await startServices({ MAX_CART_LINES: '2' });
    try {
      const g = client(small.cart.url);
      const [a, b, c] = await Promise.all([createProduct(small.product), createProduct(small.product), createProduct(small.product)]);
      const cart = await newCart(g, [
        { productId: a, quantity: 1 },
        { productId: b, quantity: 1 },
      ]);
      const third = await mutate(g, 'add', { cartId: cart.id, lines: [{ productId: c, quantity: 1 }] });
      expect(third.userErrors).toEqual([expect.objectContaining({ code: 'TOO_MANY_LINES', field: ['lines'] })]);
      expect(lineQuantities(third.cart)).toEqual({ [a]: 1, [b]: 1 });
    } finally {
      await small.close();
    }
  });

  it('creates nothing when createCart lines are refused, and says CART_NOT_FOUND for unknown carts', async () => {
    const before = await svc.cart.models.Cart.countDocuments();
    const res = await mutate(gql, 'create', { input: { lines: [{ productId: lamp, quantity: 500 }] } });
    expect(res).toEqual({
      cart: null,
      userErrors: [expect.objectContaining({ code: 'INVALID_QUANTITY', field: ['input', 'lines', '0', 'quantity'] })],
    });
    expect(await svc.cart.models.Cart.countDocuments()).toBe(before);

    const unknown = '2b1f9ad4-5c0e-4b8a-9d7e-3f6a1c2b4d5e';
    expect(await mutate(gql, 'add', { cartId: unknown, lines: [{ productId: mug, quantity: 1 }] })).toEqual({
      cart: null,
      userErrors: [expect.objectContaining({ code: 'CART_NOT_FOUND', field: ['cartId'] })],
    });
    expect((await gql(OPS.cart, { id: unknown }, GUEST)).data).toEqual({ cart: null });
  });
});
