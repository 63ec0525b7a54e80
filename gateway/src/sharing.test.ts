import { describe, expect, it } from 'vitest';
import { InFlight } from './in-flight.js';
import { callerKey, SHARE_KEY_HEADER, sharedFetcher, type Fetcher } from './sharing.js';

/** A promise settled from outside, so a test decides when the shared work ends. */
function gate<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('InFlight', () => {
  it('runs work once for calls under one key while it is in flight, and again after it settled', async () => {
    const flights = new InFlight<number>();
    let starts = 0;
    const g = gate<number>();
    const calls = [1, 2, 3].map(() =>
      flights.run('k', () => {
        starts++;
        return g.promise;
      }),
    );
    expect(calls.map((c) => c.leader)).toEqual([true, false, false]);
    g.resolve(42);
    expect(await Promise.all(calls.map((c) => c.flight.outcome))).toEqual([42, 42, 42]);
    expect(starts).toBe(1);
    expect(calls[0]!.flight.joiners).toBe(2);
    expect(flights.joined).toBe(2);
    expect(flights.size).toBe(0);

    const again = flights.run('k', () => Promise.resolve(7));
    expect(again.leader).toBe(true);
    expect(await again.flight.outcome).toBe(7);
  });

  it('keeps different keys apart', async () => {
    const flights = new InFlight<string>();
    const a = flights.run('a', () => Promise.resolve('A'));
    const b = flights.run('b', () => Promise.resolve('B'));
    expect([a.leader, b.leader]).toEqual([true, true]);
    expect([await a.flight.outcome, await b.flight.outcome]).toEqual(['A', 'B']);
  });

  it('delivers a failure to every call that joined, and keeps nothing of it', async () => {
    const flights = new InFlight<number>();
    const g = gate<number>();
    const calls = [1, 2].map(() => flights.run('k', () => g.promise));
    g.reject(new Error('subgraph down'));
    for (const c of calls) await expect(c.flight.outcome).rejects.toThrow('subgraph down');
    const thrown = flights.run('k', () => {
      throw new Error('synchronous');
    });
    await expect(thrown.flight.outcome).rejects.toThrow('synchronous');
    expect(await flights.run('k', () => Promise.resolve(1)).flight.outcome).toBe(1);
  });
});

describe('callerKey', () => {
  it('names guests as one class and every user, partner and service apart', () => {
    const keys = [
      callerKey({ kind: 'guest' }),
      callerKey({ kind: 'user', sub: 'ann', roles: ['customer'] }),
      callerKey({ kind: 'user', sub: 'bob', roles: ['customer'] }),
      callerKey({ kind: 'user', sub: 'ann', roles: ['customer', 'admin'] }),
      callerKey({ kind: 'partner', partnerId: 'ann' }),
      callerKey({ kind: 'service', service: 'cart' }),
      // A sub that tries to look like another user with other roles stays apart.
      callerKey({ kind: 'user', sub: 'ann","customer', roles: [] }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(callerKey({ kind: 'user', sub: 'ann', roles: ['admin', 'customer'] })).toBe(keys[3]);
  });
});

describe('sharedFetcher', () => {
  const answer = (body: string, status = 200) =>
    new Response(body, { status, headers: { 'content-type': 'application/json', 'cache-control': 'max-age=5' } });

  function fake() {
    const sent: { url: string; headers: Record<string, string>; body: string }[] = [];
    const pending: ReturnType<typeof gate<Response>>[] = [];
    const fetch = ((url: string, init: { headers?: Record<string, string>; body?: string } = {}) => {
      sent.push({ url, headers: init.headers ?? {}, body: init.body ?? '' });
      const g = gate<Response>();
      pending.push(g);
      return g.promise;
    }) as unknown as Fetcher;
    return { sent, pending, fetch };
  }
  const req = (key: string | undefined, body = '{"query":"{ a }"}', context = 'signed') => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shop-context': context, ...(key ? { [SHARE_KEY_HEADER]: key } : {}) },
    body,
  });

  it('sends identical requests of one caller once; each gets its own readable copy of the answer', async () => {
    const f = fake();
    const shared = sharedFetcher(f.fetch);
    const responses = [1, 2, 3].map(() => shared.fetch('http://127.0.0.1:1/graphql', req('guest')));
    await Promise.resolve();
    expect(f.sent).toHaveLength(1);
    expect(f.sent[0]!.headers[SHARE_KEY_HEADER]).toBeUndefined();
    f.pending[0]!.resolve(answer('{"data":{"a":1}}'));
    const got = await Promise.all(responses);
    for (const r of got) {
      expect(r.status).toBe(200);
      expect(r.headers.get('cache-control')).toBe('max-age=5');
      expect(await r.json()).toEqual({ data: { a: 1 } });
    }
    expect(shared.joined()).toBe(2);
  });

  it('never shares between callers, bodies, or requests without a key', async () => {
    const f = fake();
    const shared = sharedFetcher(f.fetch);
    const url = 'http://127.0.0.1:1/graphql';
    const all = [
      shared.fetch(url, req('["user","ann",["customer"]]', undefined, 'ann')),
      shared.fetch(url, req('["user","bob",["customer"]]', undefined, 'bob')),
      shared.fetch(url, req('guest', '{"query":"{ b }"}', 'guest')),
      shared.fetch(url, req(undefined, undefined, 'mutation-1')),
      shared.fetch(url, req(undefined, undefined, 'mutation-2')),
    ];
    await Promise.resolve();
    expect(f.sent).toHaveLength(5);
    // Each request is answered for the context it was sent with: everyone must get their own answer.
    f.pending.forEach((g, i) => g.resolve(answer(JSON.stringify({ data: { for: f.sent[i]!.headers['x-shop-context'] } }))));
    const answers = await Promise.all(all.map(async (r) => ((await (await r).json()) as { data: { for: string } }).data.for));
    expect(answers).toEqual(['ann', 'bob', 'guest', 'mutation-1', 'mutation-2']);
    expect(shared.joined()).toBe(0);
  });

  it('gives a non-2xx answer and a failure to every request that joined', async () => {
    const f = fake();
    const shared = sharedFetcher(f.fetch);
    const url = 'http://127.0.0.1:1/graphql';
    const refused = [1, 2].map(() => shared.fetch(url, req('guest')));
    await Promise.resolve();
    f.pending[0]!.resolve(answer('{"errors":[{"message":"no"}]}', 503));
    for (const r of await Promise.all(refused)) expect([r.status, await r.text()]).toEqual([503, '{"errors":[{"message":"no"}]}']);

    const failed = [1, 2].map(() => shared.fetch(url, req('guest')));
    await Promise.resolve();
    expect(f.sent).toHaveLength(2);
    f.pending[1]!.reject(new Error('ECONNREFUSED'));
    for (const r of failed) await expect(r).rejects.toThrow('ECONNREFUSED');
  });
});
