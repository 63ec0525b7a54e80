import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  AddCartLinesDocument,
  CartDocument,
  ClaimCartDocument,
  CreateCartDocument,
  CreateCategoryDocument,
  MyCartDocument,
  RemoveCartLinesDocument,
  UpdateCartLinesDocument,
  UpdateProductDocument,
  type CartDetailsFragment,
} from './__generated__/operations.js';
import { bearer, call, startStack, type Result, type Stack } from './support/stack.js';

let stack: Stack;
let admin: Record<string, string>;
let carl: Record<string, string>;
let dana: Record<string, string>;
const prices = new Map<string, number>();
let [mug, pen, lamp] = ['', '', ''];
const many: string[] = [];

/** A typed operation through the gateway; `requestId` tags every call it causes downstream. */
function gql<TData, TVars extends Record<string, unknown>>(
  doc: TypedDocumentNode<TData, TVars>,
  variables: TVars,
  headers: Record<string, string> = {},
  requestId?: string,
): Promise<Result<TData>> {
  return stack.gql(doc, variables, { ...headers, ...(requestId ? { 'x-request-id': requestId } : {}) });
}

async function product(sku: string, price: number, initialStock: number): Promise<string> {
  const { id } = await stack.createProduct({ sku, name: `Item ${sku}`, price, categorySlugs: ['cart-e2e'], initialStock });
  prices.set(id, price);
  return id;
}

/**
 * The expected cost computed here, not by the shop's money module: net line totals, and tax at the
 * default 20 % per line rounded half-up (a fifth of an integer never ends in exactly .5).
 */
function expectedCost(lines: readonly [string, number][]) {
  const totals = lines.map(([id, quantity]) => prices.get(id)! * quantity);
  const subtotal = totals.reduce((a, b) => a + b, 0);
  const tax = totals.reduce((sum, t) => sum + Math.round(t / 5), 0);
  const usd = (amount: number) => ({ amount, currency: 'USD' });
  return { subtotal: usd(subtotal), tax: usd(tax), total: usd(subtotal + tax) };
}

const quantities = (cart: CartDetailsFragment | null | undefined) => cart?.lines.map((l) => [l.product.id, l.quantity] as [string, number]);

beforeAll(async () => {
  stack = await startStack(inject('mongoUrl'));
  admin = bearer(await stack.token('ada', 'admin'));
  carl = bearer(await stack.token('carl', 'customer'));
  dana = bearer(await stack.token('dana', 'customer'));
  await gql(CreateCategoryDocument, { input: { slug: 'cart-e2e', name: 'Cart e2e' } }, admin);
  mug = await product('E2E-MUG', 1299, 20);
  pen = await product('E2E-PEN', 333, 50);
  lamp = await product('E2E-LAMP', 4550, 5);
  for (let i = 1; i <= 50; i++) many.push(await product(`E2E-MANY-${i}`, 100 * i + 7, 10));
});
afterAll(() => stack?.close());

describe('carts through the gateway', () => {
  it('prices a guest cart to the cent from current prices, through add, update and remove, and follows a price change', async () => {
    const created = await gql(CreateCartDocument, { input: null });
    const id = created.data!.createCart.cart!.id;

    const added = await gql(AddCartLinesDocument, {
      cartId: id,
      lines: [
        { productId: mug, quantity: 2 },
        { productId: pen, quantity: 3 },
        { productId: lamp, quantity: 1 },
      ],
    });
    expect(added.data!.addCartLines.userErrors).toEqual([]);
    expect(quantities(added.data!.addCartLines.cart)).toEqual([
      [mug, 2],
      [pen, 3],
      [lamp, 1],
    ]);

    const updated = await gql(UpdateCartLinesDocument, { cartId: id, lines: [{ productId: pen, quantity: 5 }] });
    expect(quantities(updated.data!.updateCartLines.cart)).toEqual([
      [mug, 2],
      [pen, 5],
      [lamp, 1],
    ]);

    const removed = await gql(RemoveCartLinesDocument, { cartId: id, productIds: [lamp] });
    const cart = removed.data!.removeCartLines.cart!;
    expect(quantities(cart)).toEqual([
      [mug, 2],
      [pen, 5],
    ]);
    expect(cart.cost).toEqual(
      expectedCost([
        [mug, 2],
        [pen, 5],
      ]),
    );
    expect(cart.lines.map((l) => [l.product.name, l.unitPrice.amount, l.lineTotal.amount, l.available])).toEqual([
      ['Item E2E-MUG', 1299, 2598, true],
      ['Item E2E-PEN', 333, 1665, true],
    ]);
    expect(cart.totalQuantity).toBe(7);

    const repriced = await gql(UpdateProductDocument, { id: mug, input: { price: 1501 } }, admin);
    expect(repriced.data!.updateProduct.userErrors).toEqual([]);
    prices.set(mug, 1501);
    const after = (await gql(CartDocument, { id })).data!.cart!;
    expect(after.lines[0]!.unitPrice.amount).toBe(1501);
    expect(after.cost).toEqual(
      expectedCost([
        [mug, 2],
        [pen, 5],
      ]),
    );
    expect(after.cost.total.amount).toBe(3002 + 600 + 1665 + 333);
  });

  it("lets nobody but its owner read or change a customer's cart", async () => {
    const mine = await gql(CreateCartDocument, { input: { lines: [{ productId: pen, quantity: 1 }] } }, carl);
    const id = mine.data!.createCart.cart!.id;
    for (const who of [dana, {}]) {
      expect((await gql(CartDocument, { id }, who)).data).toEqual({ cart: null });
      const attempts = [
        (await gql(AddCartLinesDocument, { cartId: id, lines: [{ productId: pen, quantity: 1 }] }, who)).data!.addCartLines,
        (await gql(UpdateCartLinesDocument, { cartId: id, lines: [{ productId: pen, quantity: 9 }] }, who)).data!.updateCartLines,
        (await gql(RemoveCartLinesDocument, { cartId: id, productIds: [pen] }, who)).data!.removeCartLines,
      ];
      for (const payload of attempts)
        expect(payload).toEqual({ cart: null, userErrors: [expect.objectContaining({ code: 'CART_NOT_FOUND' })] });
    }
    expect((await gql(ClaimCartDocument, { cartId: id }, dana)).data!.claimCart.userErrors[0]!.code).toBe('CART_NOT_FOUND');
    expect((await gql(MyCartDocument, {})).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const own = await gql(MyCartDocument, {}, carl);
    expect(own.data!.myCart!.id).toBe(id);
    expect(quantities(own.data!.myCart)).toEqual([[pen, 1]]);
  });

  it("merges a guest cart into the customer's cart when they sign in and claim it", async () => {
    const guest = (
      await gql(CreateCartDocument, {
        input: {
          lines: [
            { productId: pen, quantity: 2 },
            { productId: lamp, quantity: 9 },
          ],
        },
      })
    ).data!.createCart;
    // lamp: only 5 in stock, so the guest cart could not take 9
    expect(guest.userErrors).toEqual([expect.objectContaining({ code: 'OUT_OF_STOCK', message: `only 5 left of product ${lamp}` })]);
    const ok = (
      await gql(CreateCartDocument, {
        input: {
          lines: [
            { productId: pen, quantity: 2 },
            { productId: lamp, quantity: 4 },
          ],
        },
      })
    ).data!.createCart.cart!;
    const erin = bearer(await stack.token('erin', 'customer'));
    const hers = (await gql(CreateCartDocument, { input: { lines: [{ productId: pen, quantity: 1 }] } }, erin)).data!.createCart.cart!;
    const claimed = await gql(ClaimCartDocument, { cartId: ok.id }, erin);
    expect(claimed.data!.claimCart.userErrors).toEqual([]);
    const merged = claimed.data!.claimCart.cart!;
    expect(merged.id).toBe(hers.id);
    expect(quantities(merged)).toEqual([
      [pen, 3],
      [lamp, 4],
    ]);
    expect((await gql(CartDocument, { id: ok.id })).data!.cart!.status).toBe('MERGED');
  });

  it('prices a 50-line cart with one product snapshot call and one _entities batch per request', async () => {
    const lines = many.map((productId, i) => ({ productId, quantity: (i % 3) + 1 }));
    const createId = randomUUID();
    const created = await gql(CreateCartDocument, { input: { lines } }, {}, createId);
    const cart = created.data!.createCart.cart!;
    expect(cart.lines).toHaveLength(50);
    expect(cart.cost).toEqual(expectedCost(lines.map((l) => [l.productId, l.quantity])));
    expect(cart.lines.every((l) => l.product.name.startsWith('Item E2E-MANY-'))).toBe(true);
    expect(stack.productCalls.calls(createId)).toEqual({ cart: 1, gateway: 1, other: 0 });

    const readId = randomUUID();
    const read = await gql(CartDocument, { id: cart.id }, {}, readId);
    expect(read.data!.cart!.cost).toEqual(cart.cost);
    expect(read.data!.cart!.lines.map((l) => l.product.price.amount)).toEqual(many.map((id) => prices.get(id)));
    expect(stack.productCalls.calls(readId)).toEqual({ cart: 1, gateway: 1, other: 0 });
  });

  it('answers bad input with clear errors, never an internal error, and leaves the cart unchanged', async () => {
    const id = (await gql(CreateCartDocument, { input: { lines: [{ productId: mug, quantity: 1 }] } })).data!.createCart.cart!.id;
    const userErrors: [Record<string, unknown>, string][] = [
      [{ lines: [{ productId: mug, quantity: 0 }] }, 'INVALID_QUANTITY'],
      [{ lines: [{ productId: mug, quantity: -1 }] }, 'INVALID_QUANTITY'],
      [{ lines: [{ productId: mug, quantity: 1_000_000_000 }] }, 'INVALID_QUANTITY'],
      [{ lines: [{ productId: 'ffffffffffffffffffffffff', quantity: 1 }] }, 'PRODUCT_NOT_FOUND'],
      [{ lines: Array.from({ length: 200 }, (_, i) => ({ productId: many[i % 50]!, quantity: 1 })) }, 'TOO_MANY_LINES'],
    ];
    for (const [vars, code] of userErrors) {
      const res = await call(stack.gatewayUrl, print(AddCartLinesDocument), { cartId: id, ...vars });
      expect(res.data.addCartLines.userErrors[0].code).toBe(code);
      expect(res.data.addCartLines.cart.lines).toHaveLength(1);
    }
    for (const variables of [
      { cartId: id, lines: [{ productId: { $ne: null }, quantity: 1 }] },
      { cartId: id, lines: [{ productId: '{"$ne": null}', quantity: 1 }] },
      { cartId: '{"$ne": null}', lines: [{ productId: mug, quantity: 1 }] },
    ]) {
      const res = await call(stack.gatewayUrl, print(AddCartLinesDocument), variables);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(res)).not.toMatch(/INTERNAL_SERVER_ERROR|stacktrace| {4}at /);
    }
    expect(quantities((await gql(CartDocument, { id })).data!.cart)).toEqual([[mug, 1]]);
  });
});
