import { inject } from 'vitest';
import { createLogger, type Caller } from '@shop/kit';
import { ADMIN, graphqlClient as client, testDbName, type Gql } from '@shop/harness';
import { loadConfig as productConfig, startProductService, type StartedProductService } from '@shop/product';
import { loadConfig } from '../src/config.js';
import { startCartService, type StartedCartService } from '../src/server.js';
import type { ChangeDoc } from '../src/model.js';

export interface Services {
  product: StartedProductService;
  cart: StartedCartService;
  close: () => Promise<void>;
}

const log = (name: string) => createLogger(name, process.env.TEST_LOG_LEVEL ?? 'silent');

/** The product and cart subgraphs in this process, on free ports, each with a fresh database. */
export async function startServices(env: Record<string, string> = {}): Promise<Services> {
  const common = { NODE_ENV: 'test', PORT: '0', MONGODB_URL: inject('mongoUrl') };
  const product = await startProductService(productConfig({ ...common, MONGODB_DB: testDbName('cart_product') }), log('product'));
  const cart = await startCartService(
    loadConfig({ ...common, MONGODB_DB: testDbName('cart'), PRODUCT_URL: product.url, ...env }),
    log('cart'),
  );
  return {
    product,
    cart,
    close: async () => {
      await cart.close();
      await product.close();
    },
  };
}

/** A second cart service on the first one's database, as another replica would be (same product service). */
export function startCartReplica(svc: Services): Promise<StartedCartService> {
  const common = { NODE_ENV: 'test', PORT: '0', MONGODB_URL: inject('mongoUrl') };
  return startCartService(loadConfig({ ...common, MONGODB_DB: svc.cart.conn.name, PRODUCT_URL: svc.product.url }), log('cart-replica'));
}

export { client, type Gql };

let seq = 0;
/** Creates an ACTIVE product through the product API as an admin; returns its id. */
export async function createProduct(
  product: StartedProductService,
  input: { price?: number; initialStock?: number } = {},
): Promise<string> {
  seq++;
  const res = await client(product.url, ADMIN)(
    `mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code message } } }`,
    {
      input: {
        sku: `CART-${seq}-${Date.now()}`,
        name: `Cart product ${seq} ${Date.now()}`,
        description: 'test',
        price: 1000,
        categorySlugs: [],
        initialStock: 100,
        ...input,
      },
    },
  );
  const id = res.data?.createProduct?.product?.id as string | undefined;
  if (!id) throw new Error(`createProduct failed: ${JSON.stringify(res)}`);
  return id;
}

export async function productAdmin(product: StartedProductService, query: string, variables: Record<string, unknown>): Promise<void> {
  const res = await client(product.url, ADMIN)(query, variables);
  const payload = Object.values(res.data ?? {})[0] as { userErrors?: unknown[] } | undefined;
  if (res.errors || payload?.userErrors?.length) throw new Error(JSON.stringify(res));
}

export const setPrice = (product: StartedProductService, id: string, price: number) =>
  productAdmin(product, `mutation ($id: ID!, $price: Int!) { updateProduct(id: $id, input: { price: $price }) { userErrors { code } } }`, {
    id,
    price,
  });
export const archive = (product: StartedProductService, id: string) =>
  productAdmin(product, `mutation ($id: ID!) { archiveProduct(id: $id) { userErrors { code } } }`, { id });
export const adjustStock = (product: StartedProductService, productId: string, delta: number) =>
  productAdmin(
    product,
    `mutation ($productId: ID!, $delta: Int!) { adjustStock(productId: $productId, delta: $delta, reason: "test") { userErrors { code } } }`,
    { productId, delta },
  );

export const CART_FIELDS = /* GraphQL */ `
  id status totalQuantity createdAt updatedAt expiresAt
  lines { id quantity available product { id } unitPrice { amount currency } lineTotal { amount currency } }
  cost { subtotal { amount currency } tax { amount currency } total { amount currency } }`;
const PAYLOAD = `{ cart { ${CART_FIELDS} } userErrors { code message field } }`;

export const OPS = {
  cart: `query ($id: ID!) { cart(id: $id) { ${CART_FIELDS} } }`,
  myCart: `query { myCart { ${CART_FIELDS} } }`,
  create: `mutation ($input: CreateCartInput) { createCart(input: $input) ${PAYLOAD} }`,
  add: `mutation ($cartId: ID!, $lines: [CartLineInput!]!) { addCartLines(cartId: $cartId, lines: $lines) ${PAYLOAD} }`,
  update: `mutation ($cartId: ID!, $lines: [CartLineInput!]!) { updateCartLines(cartId: $cartId, lines: $lines) ${PAYLOAD} }`,
  remove: `mutation ($cartId: ID!, $productIds: [ID!]!) { removeCartLines(cartId: $cartId, productIds: $productIds) ${PAYLOAD} }`,
  claim: `mutation ($cartId: ID!) { claimCart(cartId: $cartId) ${PAYLOAD} }`,
  checkout: `mutation ($cartId: ID!, $orderId: ID!) { markCartCheckedOut(cartId: $cartId, orderId: $orderId) ${PAYLOAD} }`,
};

export interface CartView {
  id: string;
  status: string;
  totalQuantity: number;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  lines: {
    id: string;
    quantity: number;
    available: boolean;
    product: { id: string };
    unitPrice: { amount: number; currency: string };
    lineTotal: { amount: number };
  }[];
  cost: { subtotal: { amount: number }; tax: { amount: number }; total: { amount: number; currency: string } };
}
export interface Payload {
  cart: CartView | null;
  userErrors: { code: string; message: string; field: string[] | null }[];
}

/** The payload of a cart mutation; fails the test on a GraphQL error. */
export async function mutate(gql: Gql, op: keyof typeof OPS, variables: Record<string, unknown>, caller?: Caller): Promise<Payload> {
  const res = await gql(OPS[op], variables, caller);
  if (res.errors) throw new Error(`${op}: ${JSON.stringify(res.errors)}`);
  return Object.values(res.data!)[0] as Payload;
}

/** Creates a cart as `caller` (a guest by default), with lines; fails the test on any error. */
export async function newCart(gql: Gql, lines: { productId: string; quantity: number }[] = [], caller?: Caller): Promise<CartView> {
  const payload = await mutate(gql, 'create', { input: { lines } }, caller);
  if (!payload.cart || payload.userErrors.length) throw new Error(`createCart: ${JSON.stringify(payload)}`);
  return payload.cart;
}

export const lineQuantities = (cart: Pick<CartView, 'lines'> | null | undefined) =>
  Object.fromEntries((cart?.lines ?? []).map((l) => [l.product.id, l.quantity]));

/**
 * Checks a cart's change log: versions 1..n without gaps, each record's lines equal to the previous
 * lines plus its changes, and nothing after a final status. Returns the records.
 */
export async function expectConsistentLog(cart: StartedCartService, cartId: string): Promise<ChangeDoc[]> {
  const records = await cart.models.Change.find({ cartId }).sort({ version: 1 }).lean();
  let lines = new Map<string, number>();
  let final = false;
  records.forEach((r, i) => {
    if (r.version !== i + 1) throw new Error(`version ${i + 1} missing from the log of ${cartId}`);
    for (const c of r.changes) lines.set(c.productId, (lines.get(c.productId) ?? 0) + c.delta);
    lines = new Map([...lines].filter(([, q]) => q !== 0));
    const recorded = new Map(r.lines.map((l) => [l.productId, l.quantity]));
    if (JSON.stringify([...recorded].sort()) !== JSON.stringify([...lines].sort()))
      throw new Error(`version ${r.version} of ${cartId}: lines do not add up`);
    if (final) throw new Error(`version ${r.version} of ${cartId} follows a final status`);
    if (r.status !== 'ACTIVE') final = true;
  });
  return records;
}
