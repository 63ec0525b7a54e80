import { describe, expect, it } from 'vitest';
import type { Model } from 'mongoose';
import { claimByInsert, GaplessNumbering, highestExisting, markerId, type ClaimAttempt, type NumberMarkerDoc } from './numbering.js';

const tick = () => new Promise((r) => setImmediate(r));

/**
 * An in-memory stand-in for a numbered collection with a unique `(scope, seq)` and its marker
 * collection (only `exists` and `create` by `_id`, as GaplessNumbering uses them); every call takes a
 * tick, like a round trip.
 */
function fakeCollection() {
  const taken = new Map<string, Set<number>>();
  const markers = new Set<string>();
  const set = (scope: string) => taken.get(scope) ?? taken.set(scope, new Set()).get(scope)!;
  const model = {
    exists: (filter: { _id: string }) => tick().then(() => (markers.has(filter._id) ? { _id: filter._id } : null)),
    insertMany: async (docs: { _id: string }[]) => {
      await tick();
      const dup = docs.filter((d) => markers.has(d._id));
      for (const d of docs) markers.add(d._id);
      // as the driver reports them: one write error alone, several as an array
      const errors = dup.map(() => ({ code: 11000, message: 'E11000 duplicate key' }));
      if (errors.length) throw Object.assign(new Error('bulk'), { writeErrors: errors.length === 1 ? errors[0] : errors });
    },
    create: async (doc: { _id: string }) => {
      await tick();
      if (markers.has(doc._id)) throw Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
      markers.add(doc._id);
    },
  } as unknown as Model<NumberMarkerDoc>;
  return {
    model,
    markers,
    numbered: async (scope: string, seq: number) => (await tick(), set(scope).has(seq)),
    numbers: (scope: string) => [...set(scope)].sort((a, b) => a - b),
    /** Inserts a numbered document as a store's attempt does (no idempotency key here). */
    insert: async (scope: string, seq: number, numberTaken: () => Promise<boolean>): Promise<ClaimAttempt<number>> => {
      await tick();
      if (!set(scope).has(seq)) {
        set(scope).add(seq);
        return { kind: 'done', inserted: true, result: seq };
      }
      await numberTaken();
      return { kind: 'taken' };
    },
  };
}

describe('highestExisting', () => {
  const upTo = (n: number) => {
    let probes = 0;
    return {
      exists: (seq: number) => {
        probes++;
        if (seq < 1) throw new Error(`probed ${seq}`);
        return Promise.resolve(seq <= n);
      },
      probes: () => probes,
    };
  };

  it.each([0, 1, 2, 3, 999, 1000, 1023, 1024, 1025])('finds %i among 1..n without a hint, in O(log n) probes', async (n) => {
    const p = upTo(n);
    expect(await highestExisting(p.exists)).toBe(n);
    expect(p.probes()).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n + 2)) + 1);
  });

  it('from an up-to-date hint costs one probe', async () => {
    const p = upTo(1000);
    expect(await highestExisting(p.exists, 1000)).toBe(1000);
    expect(p.probes()).toBe(1);
  });

  it('from a stale hint finds the highest in O(log gap) probes', async () => {
    const p = upTo(1000);
    expect(await highestExisting(p.exists, 990)).toBe(1000);
    expect(p.probes()).toBeLessThanOrEqual(9);
  });

  it('rejects a hint that is not a whole number', async () => {
    await expect(highestExisting(upTo(3).exists, -1)).rejects.toThrow(RangeError);
    await expect(highestExisting(upTo(3).exists, 1.5)).rejects.toThrow(RangeError);
  });
});

describe('GaplessNumbering', () => {
  const numbering = (db: ReturnType<typeof fakeCollection>, maxAttempts?: number) =>
    new GaplessNumbering(db.model, db.numbered, 'test numbering', maxAttempts);

  it('gives the next number after a gap-free history of 1,000, to a fresh instance and to the one that wrote it', async () => {
    const db = fakeCollection();
    const first = numbering(db);
    for (let i = 1; i <= 1000; i++) expect(await first.claim('2026', (seq, t) => db.insert('2026', seq, t))).toBe(i);
    expect(await numbering(db).claim('2026', (seq, t) => db.insert('2026', seq, t))).toBe(1001);
    expect(await first.claim('2026', (seq, t) => db.insert('2026', seq, t))).toBe(1002);
    expect(db.numbers('2026')).toEqual(Array.from({ length: 1002 }, (_, i) => i + 1));
    expect(db.markers.size).toBe(1002);
  });

  it('two instances racing (two processes) hand out 1..n exactly once, scopes apart', async () => {
    const db = fakeCollection();
    const [a, b] = [numbering(db), numbering(db)];
    const got = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const scope = i % 4 === 0 ? '2027' : '2026';
        return (i % 2 ? a : b).claim(scope, (seq, t) => db.insert(scope, seq, t));
      }),
    );
    expect(db.numbers('2026')).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(db.numbers('2027')).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(got.filter((_, i) => i % 4 !== 0).sort((x, y) => x - y)).toEqual(db.numbers('2026'));
  });

  it('a number whose marker is missing (its writer crashed between the two writes) is skipped and marked, never reused', async () => {
    const db = fakeCollection();
    const n = numbering(db);
    for (let i = 1; i <= 10; i++) await n.claim('2026', (seq, t) => db.insert('2026', seq, t));
    db.markers.delete(markerId('2026', 10));
    expect(await numbering(db).claim('2026', (seq, t) => db.insert('2026', seq, t))).toBe(11);
    expect(db.markers.has(markerId('2026', 10))).toBe(true);
    expect(db.numbers('2026')).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
  });

  it('catches the markers up with numbered documents written without them (before markers existed)', async () => {
    const db = fakeCollection();
    for (let i = 1; i <= 700; i++) await db.insert('2026', i, () => Promise.resolve(false));
    for (let i = 1; i <= 100; i++) db.markers.add(markerId('2026', i));
    expect(await numbering(db).claim('2026', (seq, t) => db.insert('2026', seq, t))).toBe(701);
    expect(db.markers.size).toBe(701);
  });

  it('catches up alongside another process marking the same numbers (duplicate markers are fine)', async () => {
    for (const already of [[600], [300, 600]]) {
      const db = fakeCollection();
      for (let i = 1; i <= 700; i++) await db.insert('2026', i, () => Promise.resolve(false));
      for (let i = 1; i <= 100; i++) db.markers.add(markerId('2026', i));
      for (const i of already) db.markers.add(markerId('2026', i));
      expect(await numbering(db).claim('2026', (seq, t) => db.insert('2026', seq, t))).toBe(701);
      expect(db.markers.size).toBe(701);
    }
  });

  it('an outcome that inserted nothing (an idempotent repeat) does not advance the number', async () => {
    const db = fakeCollection();
    const n = numbering(db);
    expect(await n.claim('2026', (seq, t) => db.insert('2026', seq, t))).toBe(1);
    expect(await n.claim('2026', () => Promise.resolve({ kind: 'done' as const, inserted: false, result: -1 }))).toBe(-1);
    expect(await n.claim('2026', (seq, t) => db.insert('2026', seq, t))).toBe(2);
  });

  it('answers the retryable CONFLICT past the retry bound', async () => {
    let tries = 0;
    const n = numbering(fakeCollection(), 5);
    const taken = (): Promise<ClaimAttempt<number>> => (tries++, Promise.resolve({ kind: 'taken' }));
    await expect(n.claim('2026', taken)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(tries).toBe(5);
  });
});

describe('claimByInsert', () => {
  const duplicate = () => Object.assign(new Error('E11000 duplicate key'), { code: 11000 });

  it('answers the earlier document of a repeated call (its key collided, not the number) without using a number', async () => {
    const db = fakeCollection();
    const n = new GaplessNumbering(db.model, db.numbered, 'test numbering');
    const byKey = new Map<string, number>();
    const place = (key: string) =>
      claimByInsert(
        n,
        '2026',
        async (seq) => {
          await tick();
          if (byKey.has(key)) throw duplicate();
          const r = await db.insert('2026', seq, () => Promise.resolve(false));
          if (r.kind === 'taken') throw duplicate();
          byKey.set(key, seq);
          return seq;
        },
        () => Promise.resolve(byKey.get(key) ?? null),
      );
    expect(await Promise.all([place('a'), place('b'), place('a')])).toEqual([1, 2, 1]);
    expect(await place('c')).toBe(3);
    expect(db.numbers('2026')).toEqual([1, 2, 3]);
  });

  it('passes on errors that are not duplicate keys', async () => {
    const db = fakeCollection();
    const n = new GaplessNumbering(db.model, db.numbered, 'test numbering');
    await expect(
      claimByInsert(
        n,
        '2026',
        () => Promise.reject(new Error('down')),
        () => Promise.resolve(null),
      ),
    ).rejects.toThrow('down');
  });
});
