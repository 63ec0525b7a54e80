import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Schema, Types, type Connection, type Model } from 'mongoose';
import { connectMongo, findAllBy, findByIds } from '../src/index.js';

// The database the integration project's global setup started (packages/harness); kit cannot import the
// harness (the harness depends on kit), so the provided value is declared here.
declare module 'vitest' {
  export interface ProvidedContext {
    mongoUrl: string;
  }
}

interface ItemDoc {
  _id: string;
  owner: string;
  n: number;
}
interface OidDoc {
  _id: Types.ObjectId;
  name: string;
}

let conn: Connection;
let Item: Model<ItemDoc>;
let Oid: Model<OidDoc>;
const oids = [new Types.ObjectId(), new Types.ObjectId()];

beforeAll(async () => {
  conn = await connectMongo(inject('mongoUrl'), `kit_find_${randomUUID().replace(/-/g, '').slice(0, 12)}`);
  Item = conn.model<ItemDoc>('Item', new Schema<ItemDoc>({ _id: String, owner: String, n: Number }, { versionKey: false }));
  Oid = conn.model<OidDoc>('Oid', new Schema<OidDoc>({ name: String }, { versionKey: false }));
  await Item.create([
    { _id: 'a', owner: 'x', n: 2 },
    { _id: 'b', owner: 'y', n: 1 },
    { _id: 'c', owner: 'x', n: 1 },
  ]);
  await Oid.create(oids.map((_id, i) => ({ _id, name: `o${i}` })));
});

afterAll(async () => {
  await conn?.dropDatabase();
  await conn?.close();
});

describe('findByIds', () => {
  it('answers in key order, null for a missing id, the same document for a repeated id', async () => {
    const found = await findByIds<ItemDoc, string>(Item, ['c', 'missing', 'a', 'c']);
    expect(found.map((d) => d?._id ?? null)).toEqual(['c', null, 'a', 'c']);
    expect(found[0]).toEqual({ _id: 'c', owner: 'x', n: 1 });
  });

  it('matches ObjectId keys by value, not by object identity', async () => {
    const absent = new Types.ObjectId();
    const found = await findByIds<OidDoc, Types.ObjectId>(Oid, [new Types.ObjectId(oids[1]!.toHexString()), absent, oids[0]!]);
    expect(found.map((d) => d?.name ?? null)).toEqual(['o1', null, 'o0']);
  });

  it('asks nothing for no ids', async () => {
    expect(await findByIds<ItemDoc, string>(Item, [])).toEqual([]);
  });
});

describe('findAllBy', () => {
  it('groups the documents of each key in key order, sorted within a key, [] for a key with none', async () => {
    const found = await findAllBy<ItemDoc, string>(Item, 'owner', ['y', 'none', 'x', 'y'], { n: 1 });
    expect(found.map((docs) => docs.map((d) => d._id))).toEqual([['b'], [], ['c', 'a'], ['b']]);
  });
});

describe('what findByIds and findAllBy ask the database (a pushdown regression guard, not a timing test)', () => {
  /** The filters mongoose sends while `run` runs. */
  async function filtersOf(run: () => Promise<unknown>): Promise<{ collection: string; filter: Record<string, unknown> }[]> {
    const seen: { collection: string; filter: Record<string, unknown> }[] = [];
    conn.set('debug', (collection: string, method: string, filter: unknown) => {
      if (method === 'find' || method === 'findOne') seen.push({ collection, filter: filter as Record<string, unknown> });
    });
    try {
      await run();
    } finally {
      conn.set('debug', false);
    }
    return seen;
  }

  it('probes each id with { _id: id }, which the database answers without a full scan', async () => {
    const seen = await filtersOf(() => findByIds<ItemDoc, string>(Item, ['a', 'b', 'a']));
    expect(seen.map((s) => s.filter).sort((x, y) => String(x._id).localeCompare(String(y._id)))).toEqual([{ _id: 'a' }, { _id: 'b' }]);
    const ferret = 'ferretdbVersion' in (await conn.db!.admin().command({ buildInfo: 1 }));
    for (const { collection, filter } of seen) {
      const plan = await conn.db!.command({ explain: { find: collection, filter }, verbosity: 'queryPlanner' });
      // FerretDB says whether the filter reached SQL; MongoDB answers an _id equality from the _id index.
      if (ferret) expect(plan.filterPushdown).toBe(true);
      else expect(JSON.stringify(plan.queryPlanner)).not.toContain('COLLSCAN');
    }
  });

  it('probes each key of findAllBy with a plain top-level equality, never an operator', async () => {
    const seen = await filtersOf(() => findAllBy<ItemDoc, string>(Item, 'owner', ['x', 'y', 'x'], { n: 1 }));
    expect(seen.map((s) => s.filter).sort((a, b) => String(a.owner).localeCompare(String(b.owner)))).toEqual([
      { owner: 'x' },
      { owner: 'y' },
    ]);
  });
});
