import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@redis/client';
import { startRedis, testTmpDir, waitFor, type RedisInstance } from '@shop/harness';
import { closeGateways, post, startEdgeGateway, type Answer } from './helpers.js';

/**
 * Automatic persisted queries store nothing big: a document above APQ_MAX_BYTES is answered but not
 * registered, in memory and in Redis, so a client cannot fill the store with near-1 MB documents.
 * `{ __typename }` is answered by the gateway itself, so no subgraph is needed.
 */
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** 600 kB: under MAX_BODY_BYTES (1 MB), and the comment adds no tokens, so every other limit lets it through. */
const BIG = `query Big { __typename }\n# ${'x'.repeat(600_000)}\n`;
const SMALL = 'query Small { __typename }';

let redis: RedisInstance;

beforeAll(async () => {
  const dir = testTmpDir('shop-redis-');
  redis = await startRedis({ dir, logFile: `${dir}/redis.log` });
});
afterAll(async () => {
  await closeGateways();
  await redis?.stop();
});

const pq = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(query) } });

async function getByHash(url: string, query: string): Promise<Answer> {
  const res = await fetch(`${url}?${new URLSearchParams({ extensions: JSON.stringify(pq(query)) }).toString()}`, {
    headers: { 'apollo-require-preflight': 'true' },
  });
  return { status: res.status, ...((await res.json()) as object) };
}

const code = (a: Answer) => a.errors?.[0]?.extensions?.code;

/** Redis keys that name the hash of `query` (none when it was not registered). */
async function redisKeysOf(query: string): Promise<string[]> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    return await client.keys(`*${sha256(query)}*`);
  } finally {
    await client.close();
  }
}

describe.each([
  ['in memory', () => ({})],
  ['in Redis', () => ({ REDIS_URL: redis.url })],
])('APQ registrations %s', (where, env) => {
  it('answer a 600 kB document but do not register it: its hash alone stays PERSISTED_QUERY_NOT_FOUND', async () => {
    const url = await startEdgeGateway(env());
    const registered = await post(url, { query: BIG, extensions: pq(BIG) });
    expect(registered.errors).toBeUndefined();
    expect(registered.data).toEqual({ __typename: 'Query' });
    // An ordinary document registered after it, by the same path, is found: registrations are written
    // in order, so by then the big one would have been stored too, had it been accepted.
    expect((await post(url, { query: SMALL, extensions: pq(SMALL) })).data).toEqual({ __typename: 'Query' });
    await waitFor('the small document to be registered', async () => (await getByHash(url, SMALL)).data);
    expect(code(await post(url, { extensions: pq(BIG) }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(code(await getByHash(url, BIG))).toBe('PERSISTED_QUERY_NOT_FOUND');
    if (where === 'in Redis') {
      expect(await redisKeysOf(BIG)).toEqual([]);
      expect(await redisKeysOf(SMALL)).toHaveLength(1);
    }
  });
});
