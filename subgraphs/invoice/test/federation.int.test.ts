import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { ADMIN, CUSTOMER, GUEST, OTHER_CUSTOMER } from '@shop/harness';
import { pdfLinkSignature } from '../src/domain.js';
import { client, INVOICE_FIELDS, paidEvent, PDF_LINK_SECRET, startEnv, type Env, type FakeOrders, type Gql } from './helpers.js';

// No NATS: invoices are issued by calling the consumer's handler; events wait in the outbox.
let env: Env;
let gql: Gql;
const PDF = Buffer.from('%PDF-1.7\n% test document\n%%EOF\n');

beforeAll(async () => {
  env = await startEnv({ events: false });
  gql = client(env.invoice.url);
});
afterAll(() => env?.close());

const issue = async (customerId: string | null, lines: Parameters<FakeOrders['add']>[0] = [{ unitPrice: 1999, quantity: 2 }]) => {
  const order = env.orders.add(lines, customerId);
  const { invoice } = await env.invoice.invoices.orderPaid(paidEvent(order));
  return { order, invoice };
};

describe('federation contract', () => {
  it('publishes its SDL: owns Invoice, contributes Order.invoice, shares the value types', async () => {
    const sdl = (await gql('{ _service { sdl } }')).data!._service.sdl as string;
    expect(() => parse(sdl)).not.toThrow();
    expect(sdl).toMatch(/type Order\s+@key\(fields: "id"\)\s*\{[^}]*invoice: Invoice\s*\}/);
    expect(sdl).toMatch(/type Invoice\s+@key\(fields: "id"\)/);
    for (const shared of ['Money', 'PageInfo', 'Address']) expect(sdl).toMatch(new RegExp(`type ${shared}\\s+@shareable`));
    for (const field of [
      'invoice(id: ID!): Invoice',
      'invoices(first: Int = 20, after: String): InvoiceConnection!',
      'pdfUrl: String',
      'enum InvoiceStatus',
    ])
      expect(sdl).toContain(field);
    expect(sdl).not.toMatch(/type Mutation/);
  });

  it('resolves Order.invoice through _entities with the access rule of the order', async () => {
    const alices = await issue(CUSTOMER.kind === 'user' ? CUSTOMER.sub : null);
    const guests = await issue(null);
    const q = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id invoice { id number status } } } }`;
    const reps = [
      { __typename: 'Order', id: alices.order.id },
      { __typename: 'Order', id: guests.order.id },
      { __typename: 'Order', id: '2b1f9ad4-5c0e-4b8a-9d7e-3f6a1c2b4d5e' },
    ];
    const asAlice = await gql(q, { r: reps }, CUSTOMER);
    expect(asAlice.errors).toBeUndefined();
    expect(asAlice.data!._entities).toEqual([
      { id: alices.order.id, invoice: { id: alices.invoice._id, number: alices.invoice.number, status: 'ISSUED' } },
      { id: guests.order.id, invoice: expect.objectContaining({ id: guests.invoice._id }) },
      { id: '2b1f9ad4-5c0e-4b8a-9d7e-3f6a1c2b4d5e', invoice: null },
    ]);
    const asBob = await gql(q, { r: reps.slice(0, 1) }, OTHER_CUSTOMER);
    expect(asBob.data!._entities).toEqual([{ id: alices.order.id, invoice: null }]);
  });
});

describe('invoice(id)', () => {
  it('is the immutable snapshot: seller from configuration, buyer and lines from the order, tax per line', async () => {
    const { order, invoice } = await issue(null, [
      { unitPrice: 1005, quantity: 3, sku: 'A-1', name: 'Half-up line' },
      { unitPrice: 250, quantity: 1 },
    ]);
    expect(invoice.number).toMatch(new RegExp(`^INV-${new Date().getUTCFullYear()}-\\d{6}$`));
    const res = await gql(`query ($id: ID!) { invoice(id: $id) { ${INVOICE_FIELDS} } }`, { id: invoice._id }, GUEST);
    expect(res.errors).toBeUndefined();
    const inv = res.data!.invoice;
    expect(inv).toMatchObject({
      id: invoice._id,
      number: invoice.number,
      status: 'ISSUED',
      pdfUrl: null,
      taxRateBps: 2000,
      order: { id: order.id },
      lines: [
        {
          sku: 'A-1',
          name: 'Half-up line',
          quantity: 3,
          unitPrice: { amount: 1005, currency: 'USD' },
          lineTotal: { amount: 3015 },
          tax: { amount: 603 },
        },
        { sku: 'SKU-2', quantity: 1, lineTotal: { amount: 250 }, tax: { amount: 50 } },
      ],
      subtotal: { amount: 3265, currency: 'USD' },
      tax: { amount: 653 },
      total: { amount: 3918, currency: 'USD' },
      seller: { name: env.config.SELLER_NAME, taxId: env.config.SELLER_TAX_ID, address: { country: 'GB' } },
      buyer: { name: 'Ada Lovelace', email: 'ada@example.com', address: { postalCode: 'SW1Y 4JH' } },
    });
  });

  it('another customer cannot get a customer’s invoice; the owner, admins and guests-by-id of guest invoices can', async () => {
    const alices = await issue('alice');
    const guests = await issue(null);
    const read = async (caller: typeof GUEST, id: string) =>
      (await gql(`query ($id: ID!) { invoice(id: $id) { id } }`, { id }, caller)).data!.invoice;
    expect(await read(CUSTOMER, alices.invoice._id)).toEqual({ id: alices.invoice._id });
    expect(await read(ADMIN, alices.invoice._id)).toEqual({ id: alices.invoice._id });
    expect(await read(OTHER_CUSTOMER, alices.invoice._id)).toBeNull();
    expect(await read(GUEST, alices.invoice._id)).toBeNull();
    expect(await read({ kind: 'partner', partnerId: 'p1' } as never, alices.invoice._id)).toBeNull();
    expect(await read(GUEST, guests.invoice._id)).toEqual({ id: guests.invoice._id });
    expect(await read(OTHER_CUSTOMER, 'not-an-id')).toBeNull();
  });

  it('has a signed pdfUrl on PUBLIC_BASE_URL, valid for PDF_LINK_TTL, once the PDF is stored (READY)', async () => {
    const { invoice } = await issue('alice');
    await env.invoice.invoices.storePdf(invoice, PDF, 'test');
    const before = Date.now();
    const inv = (await gql(`query ($id: ID!) { invoice(id: $id) { status pdfUrl } }`, { id: invoice._id }, CUSTOMER)).data!.invoice;
    expect(inv.status).toBe('READY');
    const url = new URL(inv.pdfUrl as string);
    expect(`${url.origin}${url.pathname}`).toBe(`http://shop.test/invoices/${invoice._id}.pdf`);
    const exp = Number(url.searchParams.get('exp'));
    expect(exp * 1000).toBeGreaterThan(before + env.config.PDF_LINK_TTL - 5_000);
    expect(exp * 1000).toBeLessThanOrEqual(Date.now() + env.config.PDF_LINK_TTL);
    expect(url.searchParams.get('sig')).toBe(pdfLinkSignature(PDF_LINK_SECRET, invoice._id, exp));
  });
});

describe('invoices (admin)', () => {
  it('pages newest first with cursors and a total count; refused to non-admins', async () => {
    for (let i = 0; i < 3; i++) await issue(null);
    const q = `query ($first: Int, $after: String) { invoices(first: $first, after: $after) { edges { cursor node { id number } } pageInfo { hasNextPage endCursor } totalCount } }`;
    const all = await env.invoice.models.Invoice.countDocuments();
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await gql(q, { first: 2, after }, ADMIN)).data!.invoices;
      expect(page.totalCount).toBe(all);
      seen.push(...page.edges.map((e: any) => e.node.number));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(all);
    expect([...seen].sort().reverse()).toEqual(seen);
    const refused = await gql(q, { first: 2 }, CUSTOMER);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('internal routes', () => {
  it('accept only signed service callers; the PDF upload replaces, never duplicates', async () => {
    const { invoice } = await issue(null);
    const base = env.invoice.url.replace(/\/graphql$/, '');
    const { CONTEXT_HEADER } = await import('@shop/kit');
    const { testContext } = await import('@shop/harness');
    const as = (service: string) => ({ [CONTEXT_HEADER]: testContext({ kind: 'service', service }) });
    expect((await fetch(`${base}/internal/invoices/${invoice._id}`)).status).toBe(401);
    expect(
      (
        await fetch(`${base}/internal/invoices/${invoice._id}`, {
          headers: { [CONTEXT_HEADER]: testContext(CUSTOMER) },
        })
      ).status,
    ).toBe(403);
    const snap = await fetch(`${base}/internal/invoices/${invoice._id}`, { headers: as('invoice-renderer') });
    expect(snap.status).toBe(200);
    expect(await snap.json()).toMatchObject({ id: invoice._id, number: invoice.number, lines: [{ quantity: 2 }] });
    const put = (body: Buffer, service = 'invoice-renderer') =>
      fetch(`${base}/internal/invoices/${invoice._id}/pdf`, {
        method: 'PUT',
        headers: { ...as(service), 'content-type': 'application/pdf' },
        body,
      });
    expect((await put(PDF, 'gateway')).status).toBe(403);
    expect((await put(Buffer.from('not a pdf'))).status).toBe(400);
    expect((await put(PDF)).status).toBe(200);
    const second = Buffer.from('%PDF-1.7\n% second rendering\n%%EOF\n');
    expect((await put(second)).status).toBe(200);
    expect(await env.invoice.models.Pdf.countDocuments({ _id: invoice._id })).toBe(1);
    expect(await env.invoice.models.Outbox.countDocuments({ 'event.data.invoiceId': invoice._id })).toBe(1);
    const got = await fetch(`${base}/internal/invoices/${invoice._id}/pdf`, { headers: as('gateway') });
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await got.arrayBuffer()).equals(second)).toBe(true);
    expect((await fetch(`${base}/internal/invoices/${invoice._id}/pdf`, { headers: as('invoice-renderer') })).status).toBe(403);
    expect((await fetch(`${base}/internal/invoices/2b1f9ad4-5c0e-4b8a-9d7e-3f6a1c2b4d5e/pdf`, { headers: as('gateway') })).status).toBe(
      404,
    );
  });
});
