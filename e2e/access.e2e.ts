import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Kind, print, type OperationDefinitionNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { startBroker, waitFor, type NatsInstance } from '@shop/harness';
import {
  AddCartLinesDocument,
  AdjustStockDocument,
  ArchiveProductDocument,
  CancelOrderDocument,
  CartDocument,
  CategoriesDocument,
  CategoryDocument,
  CheckoutDocument,
  ClaimCartDocument,
  CreateCartDocument,
  CreateCategoryDocument,
  CreateProductDocument,
  InvoiceDocument,
  InvoicesDocument,
  MarkOrderDeliveredDocument,
  MyCartDocument,
  MyOrdersDocument,
  OrderDocument,
  OrderInvoiceDocument,
  OrderPaymentsDocument,
  OrdersDocument,
  PayOrderDocument,
  ProductDocument,
  ProductsDocument,
  ProductStockDocument,
  RefundPaymentDocument,
  RemoveCartLinesDocument,
  ShipOrderDocument,
  UpdateCartLinesDocument,
  UpdateProductDocument,
} from './__generated__/operations.js';
import { bearer, partnerCall, startStack, type Result, type Stack, type TypedCall } from './support/stack.js';

/**
 * The access table of docs/design.md §7 as a test. Every public operation named in
 * the table × {guest, customer (owner), another customer, admin, partner}, one test per cell, each
 * asserting the exact outcome §4 prescribes: allowed; `null` for a query on an object that is not the
 * caller's; the `*_NOT_FOUND` userError for a mutation on one; `UNAUTHENTICATED` for a guest and
 * `FORBIDDEN` for a customer on signed-in-only or admin operations; and for partners, who run only
 * granted persisted operations by id, `PERSISTED_QUERY_NOT_IN_LIST` (by id) and
 * `PERSISTED_QUERY_REQUIRED` (as text) for everything outside the catalog safelist. Every refused
 * state change is followed by a check that nothing changed. Cells that change state (or would, were
 * they wrongly allowed) get fixtures of their own; read-only cells share the ones made in beforeAll.
 */

type Who = 'guest' | 'customer (owner)' | 'other customer' | 'admin' | 'partner';
const COLUMNS: readonly Who[] = ['guest', 'customer (owner)', 'other customer', 'admin', 'partner'];
/** The expected outcome, as the test name shows it, and the test. */
type Cell = readonly [outcome: string, run: () => Promise<void>];
type Row = Record<Who, Cell>;
type AuthHeaders = Record<string, string>;
type Doc = TypedDocumentNode<any, any>;

// Own nats-server: payments settle through events, and order.paid issues the invoice (see order.e2e.ts).
let nats: NatsInstance;
let stack: Stack;
const tag = randomUUID().slice(0, 8);
const GUEST: AuthHeaders = {};
let admin: AuthHeaders;
/** The owner of the shared customer objects (`ownerCart`, `customerOrder`). */
let olga: AuthHeaders;
/** Another customer, with nothing of their own unless a cell gives them something. */
let bob: AuthHeaders;

// Catalog: a category holding one ACTIVE and one ARCHIVED product; `quiet` has nothing but its initial stock.
const categorySlug = `access-${tag}`;
let active = '';
let archived = '';
let quiet = '';

// Shared read-only fixtures: a guest's and olga's ACTIVE cart, a guest's and olga's PAID order with
// its payment and invoice, and a SHIPPED order of yet another customer.
let guestCart = '';
let ownerCart = '';
interface PaidOrder {
  id: string;
  total: number;
  owner: AuthHeaders;
  paymentId: string;
  invoiceId: string;
}
let guestOrder: PaidOrder;
let customerOrder: PaidOrder;
let shippedOrder: { id: string; owner: AuthHeaders };

const gql: TypedCall = (doc, variables, headers = GUEST) => stack.gql(doc, variables, headers);

const codes = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.map((e) => e.extensions?.code);
const nodeIds = (conn: { edges: { node: { id: string } }[] } | null | undefined) => conn?.edges.map((e) => e.node.id);

/** A GraphQL error with exactly this code, and no value for the operation's field. */
function expectError(res: Result<any>, code: string, field: string) {
  expect(codes(res), JSON.stringify(res)).toEqual([code]);
  expect(res.data?.[field] ?? null).toBeNull();
}

/** A mutation on an object the caller may not see: the *_NOT_FOUND userError and no object (§4). */
function expectNotFound(res: Result<any>, field: string, object: string, code: string) {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  expect(res.data?.[field]).toEqual({ [object]: null, userErrors: [expect.objectContaining({ code })] });
}

/** A mutation that went through: no GraphQL error, no userError; returns the payload. */
function expectDone(res: Result<any>, field: string): any {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  expect(res.data?.[field]?.userErrors).toEqual([]);
  return res.data[field];
}

let people = 0;
/** A signed-in caller nobody else uses: customers (and admins) have at most one ACTIVE cart each. */
const someone = async (role: 'customer' | 'admin' = 'customer') => bearer(await stack.token(`${role}-${tag}-${++people}`, role));

// ---------- catalog fixtures ----------

async function newProduct(initialStock = 5, categorySlugs: string[] = [], name = `Access item ${randomUUID().slice(0, 8)}`) {
  return (await stack.createProduct({ name, categorySlugs, initialStock })).id;
}
/** The truth about a product, as an admin sees it. */
const productAsAdmin = async (id: string) => (await gql(ProductDocument, { id }, admin)).data!.product!;
/** How many products (archived included) have this search token, as an admin sees it. */
const countNamed = async (token: string) => (await gql(ProductsDocument, { filter: { search: token } }, admin)).data!.products.totalCount;

// ---------- cart and order fixtures ----------

const oneMug = (quantity = 1) => ({ input: { lines: [{ productId: active, quantity }] } });
const address = { name: 'Ann Access', line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'DE' };

async function newGuestCart(quantity = 1): Promise<string> {
  return expectDone(await gql(CreateCartDocument, oneMug(quantity)), 'createCart').cart.id;
}
async function newCustomerCart(owner?: AuthHeaders): Promise<{ id: string; owner: AuthHeaders }> {
  const who = owner ?? (await someone());
  return { id: expectDone(await gql(CreateCartDocument, oneMug(), who), 'createCart').cart.id, owner: who };
}
/** A cart as an admin sees it: status and [productId, quantity] per line. */
async function cartState(id: string) {
  const cart = (await gql(CartDocument, { id }, admin)).data!.cart!;
  return { status: cart.status, lines: cart.lines.map((l) => [l.product.id, l.quantity]) };
}
const untouched = () => ({ status: 'ACTIVE', lines: [[active, 1]] });

async function checkout(cartId: string, who: AuthHeaders) {
  const res = await gql(
    CheckoutDocument,
    { input: { cartId, email: 'ann@example.com', shippingAddress: address, idempotencyKey: randomUUID() } },
    who,
  );
  const order = expectDone(res, 'checkout').order;
  expect(order.status).toBe('PENDING_PAYMENT');
  return { id: order.id as string, total: order.total.amount as number };
}
const newGuestOrder = async () => ({ ...(await checkout(await newGuestCart(), GUEST)), owner: GUEST });
async function newCustomerOrder(owner?: AuthHeaders) {
  const cart = await newCustomerCart(owner);
  return { ...(await checkout(cart.id, cart.owner)), owner: cart.owner };
}
/** An order as an admin sees it: status and its payments. */
async function orderState(id: string) {
  const order = (await gql(OrderPaymentsDocument, { id }, admin)).data!.order!;
  return { status: order.status, payments: order.payments.map((p) => [p.status, p.refundedAmount.amount]) };
}
const pay = (orderId: string, who: AuthHeaders) =>
  gql(PayOrderDocument, { input: { orderId, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } }, who);

/** Pays with tok_visa and waits for the webhook to settle it (order PAID). */
async function paid(order: { id: string; total: number; owner: AuthHeaders }) {
  const paymentId = expectDone(await pay(order.id, order.owner), 'payOrder').payment.id as string;
  await waitFor(`order ${order.id} PAID`, async () => (await orderState(order.id)).status === 'PAID');
  return { ...order, paymentId };
}
/** …and for the invoice issued on order.paid (through NATS). */
async function invoiced(order: { id: string; total: number; owner: AuthHeaders; paymentId: string }): Promise<PaidOrder> {
  const invoiceId = await waitFor(`order ${order.id}: invoice issued`, async () => {
    const res = await gql(OrderInvoiceDocument, { id: order.id }, admin);
    return res.data?.order?.invoice?.id;
  });
  return { ...order, invoiceId };
}
async function newShippedOrder() {
  const order = await paid(await newCustomerOrder());
  const res = await gql(ShipOrderDocument, { id: order.id, carrier: 'DHL', trackingNumber: `TRK-${tag}` }, admin);
  expect(expectDone(res, 'shipOrder').order.status).toBe('SHIPPED');
  return order;
}

// ---------- partners ----------

type PartnerOp = 'PartnerProducts' | 'PartnerProduct' | 'PartnerCategories' | 'PartnerCategory';
let partnerKeys: Promise<{ all: string; products: string; categories: string }> | undefined;
/**
 * Three keys: one granted every safelisted operation (the refusals below are then the safelist's, not
 * the grant's), one granted the product reads, one the category reads.
 */
const partners = () =>
  (partnerKeys ??= (async () => {
    const op = (name: PartnerOp) => stack.partnerOps[name]!;
    return {
      all: await stack.addPartner(`access-all-${tag}`, 'all'),
      products: await stack.addPartner(`access-products-${tag}`, [op('PartnerProducts'), op('PartnerProduct')]),
      categories: await stack.addPartner(`access-categories-${tag}`, [op('PartnerCategories'), op('PartnerCategory')]),
    };
  })());

/** A safelisted operation, by id, with a key granted it: the data. */
async function partnerRuns(key: string, name: PartnerOp, variables: Record<string, unknown> = {}, method?: 'GET' | 'POST') {
  const res = await partnerCall(stack.gatewayUrl, key, { id: stack.partnerOps[name]!, operationName: name, variables, method });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  expect(res.status).toBe(200);
  return res.data;
}
/** A safelisted operation with a key not granted it: OPERATION_NOT_GRANTED. */
async function partnerNotGranted(key: string, name: PartnerOp, variables: Record<string, unknown> = {}) {
  const res = await partnerCall(stack.gatewayUrl, key, { id: stack.partnerOps[name]!, operationName: name, variables });
  expect(codes(res), JSON.stringify(res)).toEqual(['OPERATION_NOT_GRANTED']);
  expect(res.data ?? null).toBeNull();
}

const operationName = (doc: Doc) =>
  doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!.name!.value;

/**
 * A public operation outside the safelist, sent by a partner with the key granted everything: by id
 * (the sha256 of its text) → PERSISTED_QUERY_NOT_IN_LIST; as text (with that id, as an APQ
 * registration would) → PERSISTED_QUERY_REQUIRED; and by id once more, still not in the list.
 */
async function refusedToPartner(doc: Doc, variables: Record<string, unknown>) {
  const key = (await partners()).all;
  const query = print(doc);
  const id = createHash('sha256').update(query).digest('hex');
  const name = operationName(doc);
  const byId = await partnerCall(stack.gatewayUrl, key, { id, operationName: name, variables });
  expect(codes(byId), JSON.stringify(byId)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
  expect(byId.data ?? null).toBeNull();
  const asText = await partnerCall(stack.gatewayUrl, key, { id, operationName: name, variables, query });
  expect(codes(asText), JSON.stringify(asText)).toEqual(['PERSISTED_QUERY_REQUIRED']);
  expect(asText.data ?? null).toBeNull();
  const again = await partnerCall(stack.gatewayUrl, key, { id, operationName: name, variables });
  expect(codes(again)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
}
const PARTNER_REFUSED = 'PERSISTED_QUERY_NOT_IN_LIST by id, PERSISTED_QUERY_REQUIRED as text';

// ---------- row builders ----------

/**
 * An admin-only operation (§7: – – – ✓ –). `target` makes the object a refused caller aims at (with
 * its owner, who is the "customer (owner)" column) and `unchanged` proves afterwards that nothing
 * happened to it.
 */
interface AdminOnly<T extends { owner: AuthHeaders }> {
  field: string;
  doc: Doc;
  target: () => Promise<T>;
  vars: (t: T) => Record<string, unknown>;
  unchanged: (t: T) => Promise<void>;
  admin: Cell;
}
function adminOnly<T extends { owner: AuthHeaders }>(spec: AdminOnly<T>): Row {
  const refused = (who: () => AuthHeaders | Promise<AuthHeaders>, code: string): Cell => [
    code,
    async () => {
      const t = await spec.target();
      const caller = await who();
      expectError(await gql(spec.doc, spec.vars(t), caller), code, spec.field);
      await spec.unchanged(t);
    },
  ];
  return {
    guest: refused(() => GUEST, 'UNAUTHENTICATED'),
    'customer (owner)': refused(() => olga, 'FORBIDDEN'),
    'other customer': refused(() => bob, 'FORBIDDEN'),
    admin: spec.admin,
    partner: [
      PARTNER_REFUSED,
      async () => {
        const t = await spec.target();
        await refusedToPartner(spec.doc, spec.vars(t));
        await spec.unchanged(t);
      },
    ],
  };
}
/** Admin-only operations on orders and payments: the owner column is the order's own customer. */
function adminOnlyOnOrder<T extends { owner: AuthHeaders }>(spec: AdminOnly<T>): Row {
  const row = adminOnly(spec);
  return {
    ...row,
    'customer (owner)': [
      'FORBIDDEN (even on their own order)',
      async () => {
        const t = await spec.target();
        expectError(await gql(spec.doc, spec.vars(t), t.owner), 'FORBIDDEN', spec.field);
        await spec.unchanged(t);
      },
    ],
  };
}
/** The catalog reads (§7: ✓ ✓ ✓ ✓ (+ archived), granted ops only); `archived`: whether the read lists products. */
function catalogRow(spec: {
  archived: boolean;
  check: (headers: AuthHeaders, asAdmin: boolean) => Promise<void>;
  partner: () => Promise<void>;
}): Row {
  const [everyone, admins] = spec.archived ? ['allowed, archived → hidden', 'allowed (+ archived)'] : ['allowed', 'allowed'];
  const hidden = spec.archived ? ', archived → hidden' : '';
  return {
    guest: [everyone, () => spec.check(GUEST, false)],
    'customer (owner)': [everyone, () => spec.check(olga, false)],
    'other customer': [everyone, () => spec.check(bob, false)],
    admin: [admins, () => spec.check(admin, true)],
    partner: [`allowed through the granted persisted operation only (else refused)${hidden}`, spec.partner],
  };
}
/** A query on someone's object (§7: guest object by id ✓, owner ✓, other –, admin ✓, partner –). */
function readRow(spec: {
  field: string;
  doc: Doc;
  /** The variables aimed at a guest's object and at olga's. */
  guestVars: () => Record<string, unknown>;
  ownerVars: () => Record<string, unknown>;
  /** What a caller allowed to see it must get. */
  expectSeen: (data: any, which: 'guest' | 'owner') => void;
  guestOutcome: string;
}): Row {
  const seen = async (vars: Record<string, unknown>, who: AuthHeaders, which: 'guest' | 'owner') => {
    const res = await gql(spec.doc, vars, who);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    spec.expectSeen(res.data, which);
  };
  const hidden = async (who: AuthHeaders) => {
    const res = await gql(spec.doc, spec.ownerVars(), who);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    expect(res.data).toEqual({ [spec.field]: null });
  };
  return {
    guest: [
      spec.guestOutcome,
      async () => {
        await seen(spec.guestVars(), GUEST, 'guest');
        await hidden(GUEST);
      },
    ],
    'customer (owner)': ['allowed', () => seen(spec.ownerVars(), olga, 'owner')],
    'other customer': ['null', () => hidden(bob)],
    admin: ['allowed', () => seen(spec.ownerVars(), admin, 'owner')],
    partner: [PARTNER_REFUSED, () => refusedToPartner(spec.doc, spec.guestVars())],
  };
}

/** The cart line mutations on a fresh cart with one line of `active` (quantity 1). */
function cartLinesRow(field: string, doc: Doc, vars: (cartId: string) => Record<string, unknown>, after: () => unknown[]): Row {
  const changes = async (cartId: string, who: AuthHeaders) => {
    const cart = expectDone(await gql(doc, vars(cartId), who), field).cart;
    expect(cart.id).toBe(cartId);
    expect(cart.lines.map((l: any) => [l.product.id, l.quantity])).toEqual(after());
    expect(await cartState(cartId)).toEqual({ status: 'ACTIVE', lines: after() });
  };
  const notFound = async (cartId: string, who: AuthHeaders) => {
    expectNotFound(await gql(doc, vars(cartId), who), field, 'cart', 'CART_NOT_FOUND');
    expect(await cartState(cartId)).toEqual(untouched());
  };
  return {
    guest: [
      "allowed on the guest's cart by id; a customer's cart → CART_NOT_FOUND",
      async () => {
        await changes(await newGuestCart(), GUEST);
        await notFound((await newCustomerCart()).id, GUEST);
      },
    ],
    'customer (owner)': [
      'allowed',
      async () => {
        const cart = await newCustomerCart();
        await changes(cart.id, cart.owner);
      },
    ],
    'other customer': ['CART_NOT_FOUND, cart unchanged', async () => notFound((await newCustomerCart()).id, bob)],
    admin: ["allowed on a customer's cart", async () => changes((await newCustomerCart()).id, admin)],
    partner: [
      `${PARTNER_REFUSED}, even on a guest cart by id; cart unchanged`,
      async () => {
        const cartId = await newGuestCart();
        await refusedToPartner(doc, vars(cartId));
        expect(await cartState(cartId)).toEqual(untouched());
      },
    ],
  };
}

// ---------- the table ----------

const table: [operation: string, row: () => Row][] = [
  // products, product, categories, category: ✓ ✓ ✓ ✓ (+ archived), granted ops only
  [
    'products',
    () =>
      catalogRow({
        archived: true,
        async check(who, asAdmin) {
          const res = await gql(ProductsDocument, { filter: { category: categorySlug } }, who);
          expect(res.errors).toBeUndefined();
          expect(nodeIds(res.data!.products)!.sort()).toEqual(asAdmin ? [active, archived].sort() : [active]);
        },
        async partner() {
          const keys = await partners();
          const data = await partnerRuns(keys.products, 'PartnerProducts', { filter: { category: categorySlug } });
          expect(nodeIds(data.products)).toEqual([active]);
          await partnerNotGranted(keys.categories, 'PartnerProducts', { filter: { category: categorySlug } });
          await refusedToPartner(ProductsDocument, { filter: { category: categorySlug } });
          // a revoked key, and a key nobody issued, are nobody's
          const revoked = await stack.addPartner(`access-revoked-${tag}`, 'all');
          await stack.revokePartner(`access-revoked-${tag}`);
          for (const key of [revoked, `${revoked.slice(0, -4)}0000`, 'not-a-key']) {
            const res = await partnerCall(stack.gatewayUrl, key, {
              id: stack.partnerOps.PartnerProducts!,
              operationName: 'PartnerProducts',
            });
            expect(codes(res), JSON.stringify(res)).toEqual(['UNAUTHENTICATED']);
            expect(res.data ?? null).toBeNull();
          }
        },
      }),
  ],
  [
    'product',
    () =>
      catalogRow({
        archived: true,
        async check(who, asAdmin) {
          const one = await gql(ProductDocument, { id: active }, who);
          expect(one.errors).toBeUndefined();
          expect(one.data!.product).toMatchObject({ id: active, status: 'ACTIVE' });
          const hidden = await gql(ProductDocument, { id: archived }, who);
          expect(hidden.errors).toBeUndefined();
          expect(hidden.data!.product).toEqual(asAdmin ? expect.objectContaining({ id: archived, status: 'ARCHIVED' }) : null);
        },
        async partner() {
          const keys = await partners();
          expect((await partnerRuns(keys.products, 'PartnerProduct', { id: active })).product).toMatchObject({
            id: active,
            status: 'ACTIVE',
          });
          expect(await partnerRuns(keys.all, 'PartnerProduct', { id: archived })).toEqual({ product: null });
          await partnerNotGranted(keys.categories, 'PartnerProduct', { id: active });
          await refusedToPartner(ProductDocument, { id: active });
        },
      }),
  ],
  [
    'categories',
    () =>
      catalogRow({
        archived: false,
        async check(who) {
          const res = await gql(CategoriesDocument, {}, who);
          expect(res.errors).toBeUndefined();
          expect(res.data!.categories.map((c) => c.slug)).toContain(categorySlug);
        },
        async partner() {
          const keys = await partners();
          const data = await partnerRuns(keys.categories, 'PartnerCategories', {}, 'GET');
          expect(data.categories.map((c: any) => c.slug)).toContain(categorySlug);
          await partnerNotGranted(keys.products, 'PartnerCategories');
          await refusedToPartner(CategoriesDocument, {});
        },
      }),
  ],
  [
    'category',
    () =>
      catalogRow({
        archived: true,
        async check(who, asAdmin) {
          const res = await gql(CategoryDocument, { slug: categorySlug }, who);
          expect(res.errors).toBeUndefined();
          expect(res.data!.category!.slug).toBe(categorySlug);
          expect(nodeIds(res.data!.category!.products)!.sort()).toEqual(asAdmin ? [active, archived].sort() : [active]);
        },
        async partner() {
          const keys = await partners();
          const data = await partnerRuns(keys.categories, 'PartnerCategory', { slug: categorySlug });
          expect(data.category.slug).toBe(categorySlug);
          expect(nodeIds(data.category.products)).toEqual([active]);
          await partnerNotGranted(keys.products, 'PartnerCategory', { slug: categorySlug });
          await refusedToPartner(CategoryDocument, { slug: categorySlug });
        },
      }),
  ],

  // Product.stockMovements, product/category mutations, adjustStock: – – – ✓ –
  [
    'Product.stockMovements',
    () =>
      adminOnly({
        field: 'product',
        doc: ProductStockDocument,
        target: () => Promise.resolve({ owner: olga }),
        vars: () => ({ id: quiet }),
        unchanged: () => Promise.resolve(),
        admin: [
          'allowed',
          async () => {
            const res = await gql(ProductStockDocument, { id: quiet }, admin);
            expect(res.errors).toBeUndefined();
            expect(res.data!.product!.stockMovements.map((m) => [m.kind, m.quantity, m.balance])).toEqual([['ADJUSTMENT', 7, 7]]);
          },
        ],
      }),
  ],
  [
    'createProduct',
    () => {
      const input = (token: string) => ({
        input: { sku: `ACC-${token.toUpperCase()}`, name: `Access ${token}`, description: 'e2e', price: 500, categorySlugs: [] },
      });
      return adminOnly({
        field: 'createProduct',
        doc: CreateProductDocument,
        target: () => Promise.resolve({ owner: olga, token: `zq${randomUUID().slice(0, 8)}` }),
        vars: (t) => input(t.token),
        unchanged: async (t) => expect(await countNamed(t.token)).toBe(0),
        admin: [
          'allowed',
          async () => {
            const token = `zq${randomUUID().slice(0, 8)}`;
            const product = expectDone(await gql(CreateProductDocument, input(token), admin), 'createProduct').product;
            expect(product).toMatchObject({ name: `Access ${token}`, status: 'ACTIVE' });
            expect(await countNamed(token)).toBe(1);
            expect((await gql(ProductDocument, { id: product.id })).data!.product!.id).toBe(product.id);
          },
        ],
      });
    },
  ],
  [
    'updateProduct',
    () =>
      adminOnly({
        field: 'updateProduct',
        doc: UpdateProductDocument,
        target: async () => ({ owner: olga, id: await newProduct() }),
        vars: (t) => ({ id: t.id, input: { name: 'Renamed by someone', price: 1 } }),
        unchanged: async (t) => expect((await productAsAdmin(t.id)).price.amount).toBe(1000),
        admin: [
          'allowed',
          async () => {
            const id = await newProduct();
            const res = await gql(UpdateProductDocument, { id, input: { name: 'Renamed by an admin', price: 1234 } }, admin);
            expect(expectDone(res, 'updateProduct').product).toMatchObject({ id, name: 'Renamed by an admin', price: { amount: 1234 } });
            expect(await productAsAdmin(id)).toMatchObject({ name: 'Renamed by an admin', price: { amount: 1234 } });
          },
        ],
      }),
  ],
  [
    'archiveProduct',
    () =>
      adminOnly({
        field: 'archiveProduct',
        doc: ArchiveProductDocument,
        target: async () => ({ owner: olga, id: await newProduct() }),
        vars: (t) => ({ id: t.id }),
        unchanged: async (t) => expect((await gql(ProductDocument, { id: t.id })).data!.product!.status).toBe('ACTIVE'),
        admin: [
          'allowed',
          async () => {
            const id = await newProduct();
            expect(expectDone(await gql(ArchiveProductDocument, { id }, admin), 'archiveProduct').product).toEqual({
              id,
              status: 'ARCHIVED',
            });
            expect((await productAsAdmin(id)).status).toBe('ARCHIVED');
            expect((await gql(ProductDocument, { id })).data!.product).toBeNull();
          },
        ],
      }),
  ],
  [
    'adjustStock',
    () =>
      adminOnly({
        field: 'adjustStock',
        doc: AdjustStockDocument,
        target: async () => ({ owner: olga, id: await newProduct(5) }),
        vars: (t) => ({ productId: t.id, delta: 3, reason: 'delivery' }),
        unchanged: async (t) => expect((await productAsAdmin(t.id)).availability.available).toBe(5),
        admin: [
          'allowed',
          async () => {
            const id = await newProduct(5);
            const res = await gql(AdjustStockDocument, { productId: id, delta: 3, reason: 'delivery' }, admin);
            expect(expectDone(res, 'adjustStock').product.availability.available).toBe(8);
            expect((await productAsAdmin(id)).availability.available).toBe(8);
          },
        ],
      }),
  ],
  [
    'createCategory',
    () =>
      adminOnly({
        field: 'createCategory',
        doc: CreateCategoryDocument,
        target: () => Promise.resolve({ owner: olga, slug: `acc-${randomUUID().slice(0, 8)}` }),
        vars: (t) => ({ input: { slug: t.slug, name: 'Sneaked in' } }),
        unchanged: async (t) => expect((await gql(CategoryDocument, { slug: t.slug }, admin)).data!.category).toBeNull(),
        admin: [
          'allowed',
          async () => {
            const slug = `acc-${randomUUID().slice(0, 8)}`;
            const res = await gql(CreateCategoryDocument, { input: { slug, name: 'Added by an admin', parentSlug: categorySlug } }, admin);
            expect(expectDone(res, 'createCategory').category).toMatchObject({ slug, parent: { slug: categorySlug } });
            expect((await gql(CategoryDocument, { slug })).data!.category!.slug).toBe(slug);
          },
        ],
      }),
  ],

  // createCart: ✓ (guest cart) ✓ (their cart) – ✓ –
  [
    'createCart',
    () => ({
      guest: [
        'allowed (a guest cart, reached by its id)',
        async () => {
          const cart = expectDone(await gql(CreateCartDocument, oneMug(2)), 'createCart').cart;
          expect(cart).toMatchObject({ status: 'ACTIVE', totalQuantity: 2 });
          expect((await gql(CartDocument, { id: cart.id })).data!.cart).toMatchObject({ id: cart.id, totalQuantity: 2 });
        },
      ],
      'customer (owner)': [
        'allowed (their cart)',
        async () => {
          const who = await someone();
          const cart = expectDone(await gql(CreateCartDocument, oneMug(2), who), 'createCart').cart;
          expect(cart).toMatchObject({ status: 'ACTIVE', totalQuantity: 2 });
          expect((await gql(MyCartDocument, {}, who)).data!.myCart!.id).toBe(cart.id);
        },
      ],
      'other customer': [
        "a cart of their own, never the owner's; the owner's cart unchanged",
        async () => {
          const owners = await newCustomerCart();
          const other = await someone();
          const theirs = expectDone(await gql(CreateCartDocument, oneMug(3), other), 'createCart').cart;
          expect(theirs.id).not.toBe(owners.id);
          expect((await gql(MyCartDocument, {}, other)).data!.myCart!.id).toBe(theirs.id);
          expect((await gql(MyCartDocument, {}, owners.owner)).data!.myCart!.id).toBe(owners.id);
          expect(await cartState(owners.id)).toEqual(untouched());
        },
      ],
      admin: [
        'allowed',
        async () => {
          const who = await someone('admin');
          const cart = expectDone(await gql(CreateCartDocument, oneMug(2), who), 'createCart').cart;
          expect(cart).toMatchObject({ status: 'ACTIVE', totalQuantity: 2 });
          expect((await gql(MyCartDocument, {}, who)).data!.myCart!.id).toBe(cart.id);
        },
      ],
      partner: [PARTNER_REFUSED, () => refusedToPartner(CreateCartDocument, oneMug(2))],
    }),
  ],

  // cart, addCartLines, updateCartLines, removeCartLines: guest cart by id, ✓, –, ✓, –
  [
    'cart',
    () =>
      readRow({
        field: 'cart',
        doc: CartDocument,
        guestVars: () => ({ id: guestCart }),
        ownerVars: () => ({ id: ownerCart }),
        expectSeen: (data, which) => expect(data.cart).toMatchObject({ id: which === 'guest' ? guestCart : ownerCart, status: 'ACTIVE' }),
        guestOutcome: "allowed on the guest's cart by id; a customer's cart → null",
      }),
  ],
  [
    'addCartLines',
    () =>
      cartLinesRow(
        'addCartLines',
        AddCartLinesDocument,
        (cartId) => ({ cartId, lines: [{ productId: active, quantity: 2 }] }),
        () => [[active, 3]],
      ),
  ],
  [
    'updateCartLines',
    () =>
      cartLinesRow(
        'updateCartLines',
        UpdateCartLinesDocument,
        (cartId) => ({ cartId, lines: [{ productId: active, quantity: 4 }] }),
        () => [[active, 4]],
      ),
  ],
  [
    'removeCartLines',
    () =>
      cartLinesRow(
        'removeCartLines',
        RemoveCartLinesDocument,
        (cartId) => ({ cartId, productIds: [active] }),
        () => [],
      ),
  ],

  // myCart, myOrders, claimCart: UNAUTHENTICATED, ✓, –, ✓ (own), –
  [
    'myCart',
    () => ({
      guest: ['UNAUTHENTICATED', async () => expectError(await gql(MyCartDocument, {}), 'UNAUTHENTICATED', 'myCart')],
      'customer (owner)': [
        'allowed (their cart)',
        async () => expect((await gql(MyCartDocument, {}, olga)).data).toEqual({ myCart: expect.objectContaining({ id: ownerCart }) }),
      ],
      'other customer': [
        "their own cart, never the owner's",
        async () => {
          const theirs = await newCustomerCart();
          const res = await gql(MyCartDocument, {}, theirs.owner);
          expect(res.errors).toBeUndefined();
          expect(res.data!.myCart!.id).toBe(theirs.id);
          expect(theirs.id).not.toBe(ownerCart);
          expect((await gql(MyCartDocument, {}, bob)).data).toEqual({ myCart: null });
        },
      ],
      admin: [
        'allowed (own cart)',
        async () => {
          const own = await newCustomerCart(await someone('admin'));
          const res = await gql(MyCartDocument, {}, own.owner);
          expect(res.errors).toBeUndefined();
          expect(res.data!.myCart!.id).toBe(own.id);
        },
      ],
      partner: [PARTNER_REFUSED, () => refusedToPartner(MyCartDocument, {})],
    }),
  ],
  [
    'myOrders',
    () => ({
      guest: ['UNAUTHENTICATED', async () => expectError(await gql(MyOrdersDocument, {}), 'UNAUTHENTICATED', 'myOrders')],
      'customer (owner)': [
        'allowed (their orders)',
        async () => {
          const res = await gql(MyOrdersDocument, {}, olga);
          expect(res.errors).toBeUndefined();
          expect(nodeIds(res.data!.myOrders)).toEqual([customerOrder.id]);
          expect(res.data!.myOrders.totalCount).toBe(1);
        },
      ],
      'other customer': [
        "their own orders, never the owner's",
        async () => {
          const res = await gql(MyOrdersDocument, {}, bob);
          expect(res.errors).toBeUndefined();
          expect(res.data!.myOrders).toMatchObject({ edges: [], totalCount: 0 });
        },
      ],
      admin: [
        'allowed (own orders only)',
        async () => {
          const own = await newCustomerOrder(await someone('admin'));
          const res = await gql(MyOrdersDocument, {}, own.owner);
          expect(res.errors).toBeUndefined();
          expect(nodeIds(res.data!.myOrders)).toEqual([own.id]);
          expect(res.data!.myOrders.totalCount).toBe(1);
        },
      ],
      partner: [PARTNER_REFUSED, () => refusedToPartner(MyOrdersDocument, {})],
    }),
  ],
  [
    'claimCart',
    () => {
      /** Claims a fresh guest cart (2 × active) into the caller's fresh cart (1 × active). */
      const claims = async (who: AuthHeaders) => {
        const own = await newCustomerCart(who);
        const guest = await newGuestCart(2);
        const merged = expectDone(await gql(ClaimCartDocument, { cartId: guest }, who), 'claimCart').cart;
        expect(merged.id).toBe(own.id);
        expect(merged.lines.map((l: any) => [l.product.id, l.quantity])).toEqual([[active, 3]]);
        expect((await cartState(guest)).status).toBe('MERGED');
      };
      return {
        guest: [
          'UNAUTHENTICATED',
          async () => {
            const cartId = await newGuestCart();
            expectError(await gql(ClaimCartDocument, { cartId }), 'UNAUTHENTICATED', 'claimCart');
            expect(await cartState(cartId)).toEqual(untouched());
          },
        ],
        'customer (owner)': ['allowed (a guest cart merged into theirs)', async () => claims(await someone())],
        'other customer': [
          "CART_NOT_FOUND on the owner's cart, cart unchanged",
          async () => {
            const owners = await newCustomerCart();
            expectNotFound(await gql(ClaimCartDocument, { cartId: owners.id }, bob), 'claimCart', 'cart', 'CART_NOT_FOUND');
            expect(await cartState(owners.id)).toEqual(untouched());
            expect((await gql(MyCartDocument, {}, owners.owner)).data!.myCart!.id).toBe(owners.id);
          },
        ],
        admin: ['allowed (into their own cart)', async () => claims(await someone('admin'))],
        partner: [
          `${PARTNER_REFUSED}; cart unchanged`,
          async () => {
            const cartId = await newGuestCart();
            await refusedToPartner(ClaimCartDocument, { cartId });
            expect(await cartState(cartId)).toEqual(untouched());
          },
        ],
      };
    },
  ],

  // checkout: guest cart by id, ✓, –, ✓, –
  [
    'checkout',
    () => {
      const input = (cartId: string) => ({
        input: { cartId, email: 'ann@example.com', shippingAddress: address, idempotencyKey: randomUUID() },
      });
      const placed = async (cartId: string, who: AuthHeaders) => {
        const order = expectDone(await gql(CheckoutDocument, input(cartId), who), 'checkout').order;
        expect(order).toMatchObject({ status: 'PENDING_PAYMENT', lines: [{ product: { id: active }, quantity: 1 }] });
        expect((await cartState(cartId)).status).toBe('CHECKED_OUT');
        return order.id as string;
      };
      const notFound = async (cartId: string, who: AuthHeaders) => {
        expectNotFound(await gql(CheckoutDocument, input(cartId), who), 'checkout', 'order', 'CART_NOT_FOUND');
        expect(await cartState(cartId)).toEqual(untouched());
      };
      return {
        guest: [
          "allowed on the guest's cart by id; a customer's cart → CART_NOT_FOUND",
          async () => {
            const orderId = await placed(await newGuestCart(), GUEST);
            expect((await gql(OrderDocument, { id: orderId })).data!.order!.id).toBe(orderId);
            await notFound((await newCustomerCart()).id, GUEST);
          },
        ],
        'customer (owner)': [
          'allowed',
          async () => {
            const cart = await newCustomerCart();
            const orderId = await placed(cart.id, cart.owner);
            expect((await gql(OrderDocument, { id: orderId }, cart.owner)).data!.order!.id).toBe(orderId);
          },
        ],
        'other customer': ['CART_NOT_FOUND, cart unchanged', async () => notFound((await newCustomerCart()).id, bob)],
        admin: ["allowed on a customer's cart", async () => void (await placed((await newCustomerCart()).id, admin))],
        partner: [
          `${PARTNER_REFUSED}, even on a guest cart by id; cart unchanged`,
          async () => {
            const cartId = await newGuestCart();
            await refusedToPartner(CheckoutDocument, input(cartId));
            expect(await cartState(cartId)).toEqual(untouched());
          },
        ],
      };
    },
  ],

  // order, cancelOrder, payOrder, Order.payments, Order.invoice, invoice: guest order by id, ✓, –, ✓, –
  [
    'order',
    () =>
      readRow({
        field: 'order',
        doc: OrderDocument,
        guestVars: () => ({ id: guestOrder.id }),
        ownerVars: () => ({ id: customerOrder.id }),
        expectSeen: (data, which) =>
          expect(data.order).toMatchObject({ id: (which === 'guest' ? guestOrder : customerOrder).id, status: 'PAID' }),
        guestOutcome: "allowed on the guest's order by id; a customer's order → null",
      }),
  ],
  [
    'cancelOrder',
    () => {
      const cancels = async (order: { id: string }, who: AuthHeaders) => {
        const res = await gql(CancelOrderDocument, { id: order.id, reason: 'changed my mind' }, who);
        expect(expectDone(res, 'cancelOrder').order).toMatchObject({ id: order.id, status: 'CANCELLED' });
        expect((await orderState(order.id)).status).toBe('CANCELLED');
      };
      const notFound = async (order: { id: string }, who: AuthHeaders) => {
        expectNotFound(await gql(CancelOrderDocument, { id: order.id }, who), 'cancelOrder', 'order', 'ORDER_NOT_FOUND');
        expect(await orderState(order.id)).toEqual({ status: 'PENDING_PAYMENT', payments: [] });
      };
      return {
        guest: [
          "allowed on the guest's order by id; a customer's order → ORDER_NOT_FOUND",
          async () => {
            await cancels(await newGuestOrder(), GUEST);
            await notFound(await newCustomerOrder(), GUEST);
          },
        ],
        'customer (owner)': [
          'allowed',
          async () => {
            const order = await newCustomerOrder();
            await cancels(order, order.owner);
          },
        ],
        'other customer': ['ORDER_NOT_FOUND, order unchanged', async () => notFound(await newCustomerOrder(), bob)],
        admin: ["allowed on a customer's order", async () => cancels(await newCustomerOrder(), admin)],
        partner: [
          `${PARTNER_REFUSED}, even on a guest order by id; order unchanged`,
          async () => {
            const order = await newGuestOrder();
            await refusedToPartner(CancelOrderDocument, { id: order.id });
            expect(await orderState(order.id)).toEqual({ status: 'PENDING_PAYMENT', payments: [] });
          },
        ],
      };
    },
  ],
  [
    'payOrder',
    () => {
      const pays = async (order: { id: string; total: number }, who: AuthHeaders) => {
        const payment = expectDone(await pay(order.id, who), 'payOrder').payment;
        expect(payment).toMatchObject({ order: { id: order.id }, amount: { amount: order.total } });
        expect((await orderState(order.id)).payments).toHaveLength(1);
      };
      const notFound = async (order: { id: string }, who: AuthHeaders) => {
        expectNotFound(await pay(order.id, who), 'payOrder', 'payment', 'ORDER_NOT_FOUND');
        expect(await orderState(order.id)).toEqual({ status: 'PENDING_PAYMENT', payments: [] });
      };
      return {
        guest: [
          "allowed on the guest's order by id; a customer's order → ORDER_NOT_FOUND",
          async () => {
            await pays(await newGuestOrder(), GUEST);
            await notFound(await newCustomerOrder(), GUEST);
          },
        ],
        'customer (owner)': [
          'allowed',
          async () => {
            const order = await newCustomerOrder();
            await pays(order, order.owner);
          },
        ],
        'other customer': ['ORDER_NOT_FOUND, no payment', async () => notFound(await newCustomerOrder(), bob)],
        admin: ["allowed on a customer's order", async () => pays(await newCustomerOrder(), admin)],
        partner: [
          `${PARTNER_REFUSED}, even on a guest order by id; no payment`,
          async () => {
            const order = await newGuestOrder();
            await refusedToPartner(PayOrderDocument, {
              input: { orderId: order.id, paymentToken: 'tok_visa', idempotencyKey: randomUUID() },
            });
            expect(await orderState(order.id)).toEqual({ status: 'PENDING_PAYMENT', payments: [] });
          },
        ],
      };
    },
  ],
  [
    'Order.payments',
    () =>
      readRow({
        field: 'order',
        doc: OrderPaymentsDocument,
        guestVars: () => ({ id: guestOrder.id }),
        ownerVars: () => ({ id: customerOrder.id }),
        expectSeen: (data, which) => {
          const order = which === 'guest' ? guestOrder : customerOrder;
          expect(data.order.payments).toEqual([expect.objectContaining({ id: order.paymentId, status: 'SUCCEEDED' })]);
        },
        guestOutcome: "allowed on the guest's order by id; a customer's order → null",
      }),
  ],
  [
    'Order.invoice',
    () =>
      readRow({
        field: 'order',
        doc: OrderInvoiceDocument,
        guestVars: () => ({ id: guestOrder.id }),
        ownerVars: () => ({ id: customerOrder.id }),
        expectSeen: (data, which) => {
          const order = which === 'guest' ? guestOrder : customerOrder;
          expect(data.order.invoice).toMatchObject({ id: order.invoiceId, order: { id: order.id } });
        },
        guestOutcome: "allowed on the guest's order by id; a customer's order → null",
      }),
  ],
  [
    'invoice',
    () =>
      readRow({
        field: 'invoice',
        doc: InvoiceDocument,
        guestVars: () => ({ id: guestOrder.invoiceId }),
        ownerVars: () => ({ id: customerOrder.invoiceId }),
        expectSeen: (data, which) => {
          const order = which === 'guest' ? guestOrder : customerOrder;
          expect(data.invoice).toMatchObject({ id: order.invoiceId, order: { id: order.id }, total: { amount: order.total } });
        },
        guestOutcome: "allowed on the guest order's invoice by id; a customer's invoice → null",
      }),
  ],

  // orders, invoices, shipOrder, markOrderDelivered, refundPayment: – – – ✓ –
  [
    'orders',
    () =>
      adminOnly({
        field: 'orders',
        doc: OrdersDocument,
        target: () => Promise.resolve(customerOrder),
        vars: () => ({ first: 100, status: 'PAID' }),
        unchanged: () => Promise.resolve(),
        admin: [
          "allowed (everyone's orders)",
          async () => {
            const res = await gql(OrdersDocument, { first: 100, status: 'PAID' }, admin);
            expect(res.errors).toBeUndefined();
            expect(nodeIds(res.data!.orders)).toEqual(expect.arrayContaining([customerOrder.id, guestOrder.id]));
          },
        ],
      }),
  ],
  [
    'invoices',
    () =>
      adminOnly({
        field: 'invoices',
        doc: InvoicesDocument,
        target: () => Promise.resolve(customerOrder),
        vars: () => ({ first: 100 }),
        unchanged: () => Promise.resolve(),
        admin: [
          "allowed (everyone's invoices)",
          async () => {
            const res = await gql(InvoicesDocument, { first: 100 }, admin);
            expect(res.errors).toBeUndefined();
            expect(nodeIds(res.data!.invoices)).toEqual(expect.arrayContaining([customerOrder.invoiceId, guestOrder.invoiceId]));
          },
        ],
      }),
  ],
  [
    'shipOrder',
    () =>
      adminOnlyOnOrder({
        field: 'shipOrder',
        doc: ShipOrderDocument,
        target: () => Promise.resolve(customerOrder),
        vars: (t) => ({ id: t.id, carrier: 'DHL', trackingNumber: 'SNEAKY-1' }),
        unchanged: async (t) => expect((await orderState(t.id)).status).toBe('PAID'),
        admin: [
          'allowed',
          async () => {
            const order = await paid(await newCustomerOrder());
            const res = await gql(ShipOrderDocument, { id: order.id, carrier: 'DHL', trackingNumber: 'TRK-1' }, admin);
            expect(expectDone(res, 'shipOrder').order).toMatchObject({
              id: order.id,
              status: 'SHIPPED',
              tracking: { carrier: 'DHL', trackingNumber: 'TRK-1' },
            });
            expect((await orderState(order.id)).status).toBe('SHIPPED');
          },
        ],
      }),
  ],
  [
    'markOrderDelivered',
    () =>
      adminOnlyOnOrder({
        field: 'markOrderDelivered',
        doc: MarkOrderDeliveredDocument,
        target: () => Promise.resolve(shippedOrder),
        vars: (t) => ({ id: t.id }),
        unchanged: async (t) => expect((await orderState(t.id)).status).toBe('SHIPPED'),
        admin: [
          'allowed',
          async () => {
            const order = await newShippedOrder();
            const res = await gql(MarkOrderDeliveredDocument, { id: order.id }, admin);
            expect(expectDone(res, 'markOrderDelivered').order).toMatchObject({ id: order.id, status: 'DELIVERED' });
            expect((await orderState(order.id)).status).toBe('DELIVERED');
          },
        ],
      }),
  ],
  [
    'refundPayment',
    () =>
      adminOnlyOnOrder({
        field: 'refundPayment',
        doc: RefundPaymentDocument,
        target: () => Promise.resolve(customerOrder),
        vars: (t) => ({ paymentId: t.paymentId, amount: 100 }),
        unchanged: async (t) => expect(await orderState(t.id)).toEqual({ status: 'PAID', payments: [['SUCCEEDED', 0]] }),
        admin: [
          'allowed',
          async () => {
            const order = await paid(await newCustomerOrder());
            const res = await gql(RefundPaymentDocument, { paymentId: order.paymentId, amount: 100 }, admin);
            expect(expectDone(res, 'refundPayment').payment).toMatchObject({
              id: order.paymentId,
              status: 'PARTIALLY_REFUNDED',
              refundedAmount: { amount: 100 },
            });
            expect((await orderState(order.id)).payments).toEqual([['PARTIALLY_REFUNDED', 100]]);
          },
        ],
      }),
  ],
];

beforeAll(async () => {
  nats = await startBroker('test');
  stack = await startStack(inject('mongoUrl'), nats.url);
  admin = bearer(await stack.token(`ada-${tag}`, 'admin'));
  olga = bearer(await stack.token(`olga-${tag}`, 'customer'));
  bob = bearer(await stack.token(`bob-${tag}`, 'customer'));

  expectDone(await gql(CreateCategoryDocument, { input: { slug: categorySlug, name: 'Access e2e' } }, admin), 'createCategory');
  [active, archived, quiet] = await Promise.all([newProduct(100_000, [categorySlug]), newProduct(5, [categorySlug]), newProduct(7)]);
  expectDone(await gql(ArchiveProductDocument, { id: archived }, admin), 'archiveProduct');

  // olga's order first: she may have one ACTIVE cart, and `ownerCart` is the one she keeps.
  const [guestPaid, customerPaid, shipped] = await Promise.all([
    newGuestOrder().then(paid).then(invoiced),
    newCustomerOrder(olga).then(paid).then(invoiced),
    newShippedOrder(),
  ]);
  [guestOrder, customerOrder, shippedOrder] = [guestPaid, customerPaid, shipped];
  guestCart = await newGuestCart();
  ownerCart = (await newCustomerCart(olga)).id;
});
afterAll(async () => {
  await stack?.close();
  await nats?.stop();
});

describe('docs/design.md §7, who may do what: every operation × every caller', () => {
  it('covers every operation named in the table, each with all five columns', () => {
    expect(table.map(([op]) => op)).toEqual([
      'products',
      'product',
      'categories',
      'category',
      'Product.stockMovements',
      'createProduct',
      'updateProduct',
      'archiveProduct',
      'adjustStock',
      'createCategory',
      'createCart',
      'cart',
      'addCartLines',
      'updateCartLines',
      'removeCartLines',
      'myCart',
      'myOrders',
      'claimCart',
      'checkout',
      'order',
      'cancelOrder',
      'payOrder',
      'Order.payments',
      'Order.invoice',
      'invoice',
      'orders',
      'invoices',
      'shipOrder',
      'markOrderDelivered',
      'refundPayment',
    ]);
  });

  for (const [operation, makeRow] of table) {
    describe(operation, () => {
      const row = makeRow();
      for (const who of COLUMNS) {
        const [outcome, run] = row[who];
        it(`${operation} × ${who} → ${outcome}`, run);
      }
    });
  }
});
