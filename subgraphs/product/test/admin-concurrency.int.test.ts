import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbName, type GraphQLResponse } from '@shop/harness';
import { CREATE_CATEGORY, client, createProduct, startProduct } from './helpers.js';
import { revisionId } from '../src/revisions.js';
import type { StartedProductService } from '../src/server.js';

/**
 * Admin edits of one product under real concurrency on FerretDB, which runs every update as
 * read-modify-write of the whole document: without versioning, one of two concurrent edits is lost.
 * Two replicas of the product service share one database and the edits alternate between them, so
 * the race is between processes as well as between the requests of one. A client retries an edit
 * answered with the retryable CONFLICT code, as a client would.
 */

const FIELDS = `name description slug status price { amount } images categories { slug }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { product { ${FIELDS} } userErrors { code field } } }`;
const ARCHIVE = `mutation ($id: ID!) { archiveProduct(id: $id) { product { ${FIELDS} } userErrors { code field } } }`;
const READ = `query ($id: ID) { product(id: $id) { ${FIELDS} } }`;

const ROUNDS = 20;

let svc: StartedProductService;
let replica: StartedProductService;
let gql: ReturnType<typeof client>;
let sent = 0;

beforeAll(async () => {
  const MONGODB_DB = testDbName('product_admin');
  svc = await startProduct({ MONGODB_DB });
  replica = await startProduct({ MONGODB_DB });
  gql = client(svc.url);
  for (const slug of ['bowls', 'plates']) await gql(CREATE_CATEGORY, { input: { slug, name: slug } });
});
afterAll(async () => {
  await replica?.close();
  await svc?.close();
});

/** Sends a mutation (to either replica) until it is not refused with the retryable CONFLICT code; fails on any other error. */
async function edit(query: string, variables: Record<string, unknown>): Promise<GraphQLResponse> {
  const send = client((sent++ % 2 === 0 ? svc : replica).url);
  for (let attempt = 1; ; attempt++) {
    const res = await send(query, variables);
    const codes = (res.errors ?? []).map((e) => e.extensions?.code);
    if (codes.length === 0) return res;
    if (codes.some((c) => c !== 'CONFLICT') || attempt >= 10) throw new Error(`edit failed: ${JSON.stringify(res.errors)}`);
  }
}

const read = async (id: string) => {
  const res = await gql(READ, { id });
  if (!res.data) throw new Error(JSON.stringify(res));
  return res.data.product as Record<string, any>;
};
const payloadOf = (res: GraphQLResponse) => Object.values(res.data!)[0] as { userErrors: unknown[] };

describe('admin product edits under concurrency', () => {
  it('keeps both an update and an archive of the same product sent at the same time', async () => {
    const lost: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const id = await createProduct(svc.url, { price: 1000 });
      const name = `Renamed ${round}`;
      const results = await Promise.all([edit(UPDATE, { id, input: { name, price: 2000 + round } }), edit(ARCHIVE, { id })]);
      for (const r of results) expect(payloadOf(r).userErrors).toEqual([]);
      const p = await read(id);
      if (p.status !== 'ARCHIVED' || p.name !== name || p.price.amount !== 2000 + round) lost.push(`round ${round}: ${JSON.stringify(p)}`);
    }
    expect(lost).toEqual([]);
  });

  it('keeps every field of concurrent updates of different fields of one product', async () => {
    const lost: string[] = [];
    for (let round = 0; round < ROUNDS / 2; round++) {
      const id = await createProduct(svc.url, { price: 1000, description: 'old' });
      const inputs = [
        { name: `Bowl ${round}` },
        { description: `Deep bowl ${round}` },
        { price: 3000 + round },
        { images: [`https://img.example/${round}.png`] },
        { categorySlugs: ['bowls', 'plates'] },
        { slug: `deep-bowl-${round}-${id}` },
      ];
      const results = await Promise.all(inputs.map((input) => edit(UPDATE, { id, input })));
      for (const r of results) expect(payloadOf(r).userErrors).toEqual([]);
      const p = await read(id);
      const expected = {
        name: `Bowl ${round}`,
        description: `Deep bowl ${round}`,
        slug: `deep-bowl-${round}-${id}`,
        status: 'ACTIVE',
        price: { amount: 3000 + round },
        images: [`https://img.example/${round}.png`],
        categories: [{ slug: 'bowls' }, { slug: 'plates' }],
      };
      if (JSON.stringify({ ...p, categories: [...p.categories].sort((a, b) => a.slug.localeCompare(b.slug)) }) !== JSON.stringify(expected))
        lost.push(`round ${round}: ${JSON.stringify(p)}`);
    }
    expect(lost).toEqual([]);
  });

  it('records every change as a revision; the product shows the newest', async () => {
    const id = await createProduct(svc.url, { price: 1000 });
    await Promise.all([
      edit(UPDATE, { id, input: { price: 1500 } }),
      edit(UPDATE, { id, input: { name: 'Soup bowl' } }),
      edit(ARCHIVE, { id }),
    ]);
    const revisions = await svc.models.Revision.find({ productId: id }).sort({ version: 1 }).lean();
    expect(revisions.map((r) => r.version)).toEqual([1, 2, 3, 4]);
    expect(revisions.map((r) => r.change).sort()).toEqual(['ARCHIVED', 'CREATED', 'UPDATED', 'UPDATED']);
    const copy = (await svc.models.Product.findById(id).lean())!;
    expect(copy.version).toBe(4);
    expect(revisions.at(-1)!.state).toMatchObject({ price: 1500, name: 'Soup bowl', status: 'ARCHIVED' });
  });

  it('undoes a recorded slug that another product took before it was copied; later changes still apply', async () => {
    const takenSlug = (await read(await createProduct(svc.url))).slug as string;
    const id = await createProduct(svc.url);
    const mine = (await svc.models.Product.findById(id).lean())!;
    // A rename that passed its SLUG_TAKEN check just before the other product took the slug: recorded, not yet copied.
    const { _id: _omitId, version: _omitVersion, ...state } = mine;
    await svc.models.Revision.create({
      _id: revisionId(mine._id, 2),
      productId: mine._id,
      version: 2,
      change: 'UPDATED',
      fields: ['slug'],
      refusedSlug: null,
      state: { ...state, slug: takenSlug },
      at: new Date(),
    });
    const res = await edit(UPDATE, { id, input: { price: 4200 } });
    expect(payloadOf(res).userErrors).toEqual([]);
    expect(await read(id)).toMatchObject({ slug: mine.slug, price: { amount: 4200 } });
    const last = await svc.models.Revision.find({ productId: id }).sort({ version: -1 }).limit(2).lean();
    expect(last.map((r) => [r.version, r.change, r.refusedSlug])).toEqual([
      [4, 'UPDATED', null],
      [3, 'SLUG_REFUSED', takenSlug],
    ]);
    expect(last[0]!.state).toMatchObject({ slug: mine.slug, price: 4200 });
  });
});
