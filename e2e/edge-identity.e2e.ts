import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { print } from 'graphql';
import {
  CONTEXT_HEADER,
  developmentSigner,
  generateSigner,
  REQUEST_ID_HEADER,
  signContext,
  verifyContext,
  type Caller,
  type SignedContext,
} from '@shop/kit';
import {
  AddCartLinesDocument,
  CartDocument,
  CategoryDocument,
  CheckoutDocument,
  CreateCartDocument,
  CreateCategoryDocument,
  CreateProductDocument,
  MyCartDocument,
  ProductDocument,
  ProductsDocument,
} from './__generated__/operations.js';
import { bearer, call, startStack, type Result, type Stack } from './support/stack.js';

/**
 * Identity at the edge: subgraphs refuse calls without the gateway's signature and each signed
 * header is good once; the gateway ignores identity and bad request ids sent by clients; MongoDB
 * operators in variables are refused by GraphQL coercion or stored and searched as plain text.
 */

let stack: Stack;
let admin: Record<string, string>;
let carl: Record<string, string>;
let mugId = '';

const ADMIN: Caller = { kind: 'user', sub: 'ada', roles: ['admin'] };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Direct {
  status: number;
  body: { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
}

/** A POST straight at a subgraph, with exactly the context header given (or none). */
async function direct(url: string, query: string, variables: Record<string, unknown> = {}, context?: string): Promise<Direct> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(context === undefined ? {} : { [CONTEXT_HEADER]: context }) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as Direct['body'] };
}

/** 401 UNAUTHENTICATED for `reason`, and no data at all. */
function expectRefused(res: Direct, reason: string, what: string): void {
  expect(res.status, what).toBe(401);
  expect(res.body.data, what).toBeUndefined();
  expect(res.body.errors, what).toHaveLength(1);
  expect(res.body.errors?.[0]?.extensions?.code, what).toBe('UNAUTHENTICATED');
  expect(res.body.errors?.[0]?.message, what).toContain(reason);
}

/** The signed contexts a subgraph's HTTP server receives, read beside the app (verifying does not consume them). */
function recordContexts(server: Server) {
  const seen: { header: string | undefined; requestIdHeader: string | undefined; context: SignedContext | undefined }[] = [];
  const listener = (req: IncomingMessage) => {
    if (req.method !== 'POST') return;
    const header = req.headers[CONTEXT_HEADER] as string | undefined;
    const verified = verifyContext(stack.signerKeys, header);
    seen.push({
      header,
      requestIdHeader: req.headers[REQUEST_ID_HEADER] as string | undefined,
      context: verified.ok ? verified.context : undefined,
    });
  };
  server.on('request', listener);
  return { seen, stop: () => server.off('request', listener) };
}

const gql = (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  call(stack.gatewayUrl, query, variables, headers);

const codeOf = (res: Result<unknown>) => res.errors?.[0]?.extensions?.code;

beforeAll(async () => {
  stack = await startStack(inject('mongoUrl'));
  admin = bearer(await stack.token('ada', 'admin'));
  carl = bearer(await stack.token('carl', 'customer'));
  expect(
    (await gql(print(CreateCategoryDocument), { input: { slug: 'edge', name: 'Edge' } }, admin)).data.createCategory.userErrors,
  ).toEqual([]);
  mugId = (
    await stack.createProduct({
      sku: 'EDGE-MUG',
      name: 'Blue mug',
      description: 'Stoneware',
      price: 1299,
      categorySlugs: ['edge'],
      initialStock: 10,
    })
  ).id;
  expect(mugId).toMatch(/^[0-9a-f]{24}$/);
});
afterAll(() => stack?.close());

describe('direct calls to subgraphs', () => {
  const subgraphs = () =>
    [
      ['product', stack.productUrl],
      ['cart', stack.cartUrl],
      ['order', stack.orderUrl],
      ['payment', stack.paymentUrl],
      ['invoice', stack.invoice.url],
    ] as const;
  const queries: [string, string, Record<string, unknown>][] = [
    ['__typename', '{ __typename }', {}],
    ['_service', '{ _service { sdl } }', {}],
    ['_entities', 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: [] }],
  ];

  it('refuse a missing, wrongly signed, expired or garbled context with 401 and no data, on every subgraph', async () => {
    for (const [name, url] of subgraphs()) {
      const valid = signContext(stack.signer, ADMIN);
      const [iss, payload, mac] = valid.split('.') as [string, string, string];
      const flipped = `${payload.slice(0, 10)}${payload[10] === 'A' ? 'B' : 'A'}${payload.slice(11)}`;
      const renderer = developmentSigner('invoice-renderer');
      const bad: [string | undefined, string, string][] = [
        [undefined, 'missing signed context', 'no header'],
        [signContext(generateSigner('gateway'), ADMIN), 'bad signature', 'another key under the gateway name'],
        [signContext(generateSigner('stranger'), { kind: 'service', service: 'stranger' }), 'unknown signer', 'unknown signer'],
        [signContext(renderer, ADMIN), 'may not sign this caller', "the renderer's key claiming an admin"],
        [
          signContext(renderer, { kind: 'service', service: 'order' }),
          'may not sign this caller',
          "the renderer's key claiming service:order",
        ],
        [signContext(stack.signer, ADMIN, randomUUID(), Date.now() - 60_000), 'signed context expired', 'expired'],
        [`${iss}.${flipped}.${mac}`, 'bad signature', 'garbled payload'],
        [`${iss}.${payload}.${mac.slice(0, -4)}`, 'bad signature', 'truncated signature'],
        ['not-a-signed-context', 'malformed signed context', 'garbage'],
      ];
      for (const [qname, query, variables] of queries) {
        for (const [header, reason, what] of bad) {
          expectRefused(await direct(url, query, variables, header), reason, `${name} ${qname} ${what}`);
        }
      }
      // The same operations with a fresh signature are served: the refusals above are the header's.
      const sdl = await direct(url, '{ _service { sdl } }', {}, signContext(stack.signer, { kind: 'service', service: 'gateway' }));
      expect(sdl.status, name).toBe(200);
      expect(sdl.body.data._service.sdl, name).toMatch(/@key/);
      const entities = await direct(url, queries[2]![1], { r: [] }, signContext(stack.signer, { kind: 'service', service: 'gateway' }));
      expect(entities.body, name).toEqual({ data: { _entities: [] } });
    }
  });

  it('make no change for a refused mutation', async () => {
    const mutation = print(CreateCategoryDocument);
    const forged = signContext(generateSigner('gateway'), ADMIN);
    expectRefused(
      await direct(stack.productUrl, mutation, { input: { slug: 'forged-direct', name: 'Forged' } }, forged),
      'bad signature',
      'forged',
    );
    const unsigned = await direct(stack.productUrl, mutation, { input: { slug: 'unsigned-direct', name: 'Unsigned' } });
    expectRefused(unsigned, 'missing signed context', 'unsigned');
    expect(await stack.product.models.Category.countDocuments({ slug: { $in: ['forged-direct', 'unsigned-direct'] } })).toBe(0);
  });

  it('refuse the invoice service internal routes without a signature', async () => {
    const base = stack.invoice.url.replace(/\/graphql$/, '');
    const res = await fetch(`${base}/internal/invoices/${randomUUID()}/pdf`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'unauthenticated', reason: 'missing signed context' });
    const forged = await fetch(`${base}/internal/invoices/${randomUUID()}`, {
      headers: { [CONTEXT_HEADER]: signContext(generateSigner('invoice-renderer'), { kind: 'service', service: 'invoice-renderer' }) },
    });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ error: 'unauthenticated', reason: 'bad signature' });
  });
});

describe('a replayed signed context', () => {
  it('works once; the same header again, with the same or another operation, is refused and changes nothing', async () => {
    const header = signContext(stack.signer, ADMIN);
    const mutation = print(CreateCategoryDocument);
    const first = await direct(stack.productUrl, mutation, { input: { slug: 'replayed-once', name: 'Replayed once' } }, header);
    expect(first.status).toBe(200);
    expect(first.body.data.createCategory).toEqual({
      category: { id: expect.any(String), slug: 'replayed-once', name: 'Replayed once', parent: null },
      userErrors: [],
    });
    const again = await direct(stack.productUrl, mutation, { input: { slug: 'replayed-once', name: 'Replayed once' } }, header);
    expectRefused(again, 'signed context already used', 'same mutation');
    const other = await direct(stack.productUrl, mutation, { input: { slug: 'replayed-other', name: 'Other' } }, header);
    expectRefused(other, 'signed context already used', 'another mutation');
    expectRefused(await direct(stack.productUrl, '{ categories { slug } }', {}, header), 'signed context already used', 'a query');
    expect(await stack.product.models.Category.countDocuments({ slug: 'replayed-once' })).toBe(1);
    expect(await stack.product.models.Category.countDocuments({ slug: 'replayed-other' })).toBe(0);
    const slugs = (await gql('{ categories { slug } }')).data.categories.map((c: { slug: string }) => c.slug);
    expect(slugs.filter((s: string) => s.startsWith('replayed-'))).toEqual(['replayed-once']);
  });

  it('is accepted exactly once when sent concurrently', async () => {
    const header = signContext(stack.signer, ADMIN);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        direct(stack.productUrl, print(CreateCategoryDocument), { input: { slug: `race-${i}`, name: `Race ${i}` } }, header),
      ),
    );
    const served = results.filter((r) => r.status === 200);
    expect(served).toHaveLength(1);
    expect(served[0]!.body.data.createCategory.userErrors).toEqual([]);
    for (const r of results.filter((x) => x.status !== 200)) expectRefused(r, 'signed context already used', 'concurrent replay');
    expect(await stack.product.models.Category.countDocuments({ slug: /^race-/ })).toBe(1);
  });

  it('is refused on the cart subgraph after its use there, and across the invoice service /graphql and internal routes', async () => {
    // The cart subgraph's own fields only: Product's are the product subgraph's.
    const createCart = 'mutation { createCart { cart { id status } userErrors { code } } }';
    const cartHeader = signContext(stack.signer, { kind: 'guest' });
    const cartsBefore = await stack.cart.models.Cart.countDocuments();
    const created = await direct(stack.cartUrl, createCart, {}, cartHeader);
    expect(created.status).toBe(200);
    expect(created.body.data.createCart).toEqual({ cart: { id: expect.stringMatching(UUID), status: 'ACTIVE' }, userErrors: [] });
    expectRefused(await direct(stack.cartUrl, createCart, {}, cartHeader), 'signed context already used', 'cart');
    expect(await stack.cart.models.Cart.countDocuments()).toBe(cartsBefore + 1);

    const base = stack.invoice.url.replace(/\/graphql$/, '');
    const internal = signContext(stack.signer, { kind: 'service', service: 'gateway' });
    const missing = randomUUID();
    const firstUse = await fetch(`${base}/internal/invoices/${missing}/pdf`, { headers: { [CONTEXT_HEADER]: internal } });
    expect(firstUse.status).toBe(404); // accepted: the invoice simply does not exist
    const replayed = await fetch(`${base}/internal/invoices/${missing}/pdf`, { headers: { [CONTEXT_HEADER]: internal } });
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toEqual({ error: 'unauthenticated', reason: 'signed context already used' });
    // One guard for the whole invoice service: a header used on /graphql is spent on /internal too.
    const shared = signContext(stack.signer, { kind: 'service', service: 'gateway' });
    expect((await direct(stack.invoice.url, '{ _service { sdl } }', {}, shared)).status).toBe(200);
    const onInternal = await fetch(`${base}/internal/invoices/${missing}/pdf`, { headers: { [CONTEXT_HEADER]: shared } });
    expect(onInternal.status).toBe(401);
    expect(await onInternal.json()).toEqual({ error: 'unauthenticated', reason: 'signed context already used' });
  });
});

describe('a context captured on its way to one subgraph', () => {
  it('is signed for that subgraph alone: every other subgraph refuses it, and it is spent where it went', async () => {
    const recorder = recordContexts(stack.product.server.httpServer);
    try {
      const res = await gql('{ categories { slug } }', {}, { ...admin, [REQUEST_ID_HEADER]: 'edge-captured-1' });
      expect(res.status).toBe(200);
    } finally {
      recorder.stop();
    }
    const captured = recorder.seen.find((s) => s.context?.requestId === 'edge-captured-1');
    expect(captured?.context?.aud).toBe('product');
    expect(captured?.context?.caller).toEqual({ kind: 'user', sub: 'ada', roles: ['admin'] });
    for (const [name, url] of [
      ['cart', stack.cartUrl],
      ['order', stack.orderUrl],
      ['payment', stack.paymentUrl],
      ['invoice', stack.invoice.url],
    ] as const) {
      expectRefused(await direct(url, '{ __typename }', {}, captured!.header), 'signed context meant for another service', name);
    }
    expectRefused(await direct(stack.productUrl, '{ categories { slug } }', {}, captured!.header), 'already used', 'product');
  });
});

describe('what clients send to the gateway', () => {
  it('ignores a client x-shop-context: the caller stays who the gateway says', async () => {
    const recorder = recordContexts(stack.product.server.httpServer);
    try {
      // A header the gateway itself would have signed for an admin, captured and sent as a client.
      const forged = signContext(stack.signer, ADMIN, 'edge-forged-1');
      const res = await gql('{ categories { slug } }', {}, { [CONTEXT_HEADER]: forged, [REQUEST_ID_HEADER]: 'edge-forged-1' });
      expect(res.status).toBe(200);
      const received = recorder.seen.filter((s) => s.context?.requestId === 'edge-forged-1');
      expect(received).toHaveLength(1);
      expect(received[0]!.header).not.toBe(forged);
      expect(received[0]!.context!.caller).toEqual({ kind: 'guest' });
      // The forged header was never presented to the subgraph, so it is still unused there.
      expect((await direct(stack.productUrl, '{ categories { slug } }', {}, forged)).status).toBe(200);
    } finally {
      recorder.stop();
    }
    const customerContext = signContext(stack.signer, { kind: 'user', sub: 'carl', roles: ['customer'] });
    const asGuest = await gql(print(MyCartDocument), {}, { [CONTEXT_HEADER]: customerContext });
    expect(codeOf(asGuest)).toBe('UNAUTHENTICATED');
    expect(asGuest.data?.myCart ?? null).toBeNull();
    // A signed-in customer sending an admin context stays a customer.
    const escalate = await gql(
      print(CreateCategoryDocument),
      { input: { slug: 'escalated', name: 'Escalated' } },
      { ...carl, [CONTEXT_HEADER]: signContext(stack.signer, ADMIN) },
    );
    expect(codeOf(escalate)).toBe('FORBIDDEN');
    expect(await stack.product.models.Category.countDocuments({ slug: 'escalated' })).toBe(0);
  });

  it('replaces a malformed x-request-id with its own UUID and keeps a well-formed one', async () => {
    const recorder = recordContexts(stack.product.server.httpServer);
    try {
      const sent = async (requestId: string) => {
        const before = recorder.seen.length;
        const res = await gql('{ categories { slug } }', {}, { [REQUEST_ID_HEADER]: requestId });
        expect(res.status).toBe(200);
        const received = recorder.seen.slice(before).filter((s) => s.context?.caller.kind === 'guest');
        expect(received, requestId).toHaveLength(1);
        return received[0]!;
      };
      for (const junk of ['junk id; DROP TABLE', 'a'.repeat(150), '{"$gt":""}', '../../etc/passwd%00']) {
        const got = await sent(junk);
        expect(got.context!.requestId, junk).toMatch(UUID);
        expect(got.requestIdHeader, junk).toBe(got.context!.requestId);
      }
      const kept = await sent('edge-req-42');
      expect(kept.context!.requestId).toBe('edge-req-42');
      expect(kept.requestIdHeader).toBe('edge-req-42');
    } finally {
      recorder.stop();
    }
  });
});

describe('MongoDB operators in variables', () => {
  it('an operator object for an ID is BAD_USER_INPUT and returns nothing', async () => {
    for (const id of [{ $ne: null }, { $gt: '' }, { $regex: '.*' }]) {
      const res = await gql(print(ProductDocument), { id });
      expect(res.status, JSON.stringify(id)).toBe(400);
      expect(codeOf(res), JSON.stringify(id)).toBe('BAD_USER_INPUT');
      expect(res.data, JSON.stringify(id)).toBeUndefined();
    }
  });

  it('operator-looking search text is plain text: it finds nothing, while a normal search works', async () => {
    const search = async (text: string) => (await gql(print(ProductsDocument), { filter: { search: text } })).data.products;
    expect((await search('blue mug')).edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([mugId]);
    for (const text of ['{"$gt": ""}', '$where', '{"$where": "sleep(1000)"}', '.*', '{"$regex": ".*"}']) {
      expect(await search(text), text).toMatchObject({ totalCount: 0, edges: [] });
    }
  });

  it('an operator for a cart id is BAD_USER_INPUT, never somebody else’s cart', async () => {
    const existing = (await gql(print(CreateCartDocument), { input: { lines: [{ productId: mugId, quantity: 1 }] } })).data.createCart.cart
      .id;
    expect(existing).toMatch(UUID);
    for (const id of ['{"$gt":""}', { $gt: '' }, { $ne: null }]) {
      const res = await gql(print(CartDocument), { id });
      // An object fails variable coercion at the gateway (400); a string reaches the cart service, which refuses the shape.
      expect(res.status, JSON.stringify(id)).toBe(typeof id === 'string' ? 200 : 400);
      expect(codeOf(res), JSON.stringify(id)).toBe('BAD_USER_INPUT');
      expect(res.data?.cart ?? null, JSON.stringify(id)).toBeNull();
      expect(JSON.stringify(res)).not.toContain(existing);
    }
  });

  it('an operator for a category slug is BAD_USER_INPUT; as a string it is just an unknown slug', async () => {
    const asObject = await gql(print(CategoryDocument), { slug: { $regex: '.*' } });
    expect(asObject.status).toBe(400);
    expect(codeOf(asObject)).toBe('BAD_USER_INPUT');
    expect(asObject.data).toBeUndefined();
    const asString = await gql(print(CategoryDocument), { slug: '{"$regex": ".*"}' });
    expect(asString.errors).toBeUndefined();
    expect(asString.data).toEqual({ category: null });
  });

  it('an operator for a product id in createCart or addCartLines is BAD_USER_INPUT and adds nothing', async () => {
    const cartsBefore = await stack.cart.models.Cart.countDocuments();
    const create = await gql(print(CreateCartDocument), { input: { lines: [{ productId: { $gt: '' }, quantity: 1 }] } });
    expect(create.status).toBe(400);
    expect(codeOf(create)).toBe('BAD_USER_INPUT');
    expect(create.data).toBeUndefined();
    expect(await stack.cart.models.Cart.countDocuments()).toBe(cartsBefore);

    const cartId = (await gql(print(CreateCartDocument), { input: { lines: [{ productId: mugId, quantity: 2 }] } })).data.createCart.cart
      .id;
    for (const productId of [{ $gt: '' }, { $ne: null }]) {
      const add = await gql(print(AddCartLinesDocument), { cartId, lines: [{ productId, quantity: 1 }] });
      expect(codeOf(add), JSON.stringify(productId)).toBe('BAD_USER_INPUT');
      expect(add.data).toBeUndefined();
    }
    const asString = await gql(print(AddCartLinesDocument), { cartId, lines: [{ productId: '{"$gt": ""}', quantity: 1 }] });
    expect(codeOf(asString)).toBe('BAD_USER_INPUT');
    const cart = (await gql(print(CartDocument), { id: cartId })).data.cart;
    expect(cart.lines.map((l: { product: { id: string }; quantity: number }) => [l.product.id, l.quantity])).toEqual([[mugId, 2]]);
  });

  it('an operator for the checkout email is BAD_USER_INPUT; as a string it is an invalid email; no order either way', async () => {
    const cartId = (await gql(print(CreateCartDocument), { input: { lines: [{ productId: mugId, quantity: 1 }] } })).data.createCart.cart
      .id;
    const input = (email: unknown) => ({
      cartId,
      email,
      shippingAddress: { name: 'Eve', line1: '1 Edge St', city: 'Berlin', postalCode: '10115', country: 'DE' },
      idempotencyKey: randomUUID(),
    });
    const ordersBefore = await stack.order.models.Order.countDocuments();
    const asObject = await gql(print(CheckoutDocument), { input: input({ $ne: '' }) });
    expect(asObject.status).toBe(400);
    expect(codeOf(asObject)).toBe('BAD_USER_INPUT');
    expect(asObject.data).toBeUndefined();
    const asString = await gql(print(CheckoutDocument), { input: input('{"$ne": ""}') });
    expect(asString.data.checkout).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'INVALID_EMAIL' })] });
    expect(await stack.order.models.Order.countDocuments()).toBe(ordersBefore);
    expect((await gql(print(CartDocument), { id: cartId })).data.cart.status).toBe('ACTIVE');
  });

  it('stores an operator-looking name and description exactly as sent', async () => {
    const text = '{"$set": {"price": 0}}';
    const input = { sku: 'EDGE-SET', name: text, description: text, price: 4321, categorySlugs: ['edge'], initialStock: 1 };
    const created = await gql(print(CreateProductDocument), { input }, admin);
    expect(created.data.createProduct.userErrors).toEqual([]);
    const id = created.data.createProduct.product.id as string;
    const read = (await gql(print(ProductDocument), { id })).data.product;
    expect(read).toMatchObject({ id, sku: 'EDGE-SET', name: text, description: text, price: { amount: 4321, currency: 'USD' } });
    // Nothing else was repriced, and the text is found as words like any other.
    expect((await gql(print(ProductDocument), { id: mugId })).data.product.price).toEqual({ amount: 1299, currency: 'USD' });
    const found = (await gql(print(ProductsDocument), { filter: { search: text } })).data.products;
    expect(found.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([id]);
  });
});
