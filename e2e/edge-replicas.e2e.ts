import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { connectMongo, createLogger, exportPrivateKey } from '@shop/kit';
import { freePort, startFerretDb, startRedis, testTmpDir, waitFor, type RedisInstance } from '@shop/harness';
import * as gateway from '@shop/gateway';
import { bearer, call, partnerCall, startStack, type Stack } from './support/stack.js';

/**
 * The gateway as several replicas and in production: rate limits per IP and per API key (429 +
 * Retry-After), shared through Redis; APQ registrations shared through Redis (a real redis-server);
 * production mode without introspection or Sandbox, with masked errors and JWKS-verified tokens.
 */
let stack: Stack;
let redis: RedisInstance;
const running: { close: () => Promise<void> }[] = [];
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const QUERY = 'query Cats { categories { slug } }';

/** One more gateway over the stack's subgraphs, with `env` on top of the stack gateway's settings. */
async function startReplica(env: Record<string, string>) {
  const config = gateway.loadConfig({ ...stack.gatewayEnv, ...env });
  const gw = await gateway.buildGateway(config, createLogger('gateway', process.env.TEST_LOG_LEVEL ?? 'silent'));
  const r = await gw.listen(0);
  running.push(r);
  return { url: `${r.url}/graphql`, gw };
}
const replica = async (env: Record<string, string>): Promise<string> => (await startReplica(env)).url;

const apq = (url: string, withQuery: boolean) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ...(withQuery ? { query: QUERY } : {}),
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(QUERY) } },
    }),
  }).then(async (res) => ({ status: res.status, ...((await res.json()) as { data?: any; errors?: any[] }) }));

beforeAll(async () => {
  stack = await startStack(inject('mongoUrl'));
  const dir = testTmpDir('shop-redis-');
  redis = await startRedis({ dir, logFile: `${dir}/redis.log` });
});
afterAll(async () => {
  for (const r of running) await r.close();
  await stack?.close();
  await redis?.stop();
});

describe('rate limits', () => {
  it('answer 429 with Retry-After once an IP has spent its budget, in GraphQL error shape', async () => {
    const url = await replica({ RATE_LIMIT_PER_IP: '5', RATE_LIMIT_WINDOW: '60s' });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(url, QUERY)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await res.json()) as any;
    expect(body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(body.data).toBeUndefined();
  });

  it('give each partner key its own budget, and charge unknown keys to the IP', async () => {
    const url = await replica({ RATE_LIMIT_PER_KEY: '3', RATE_LIMIT_PER_IP: '4', RATE_LIMIT_WINDOW: '60s' });
    const a = await stack.addPartner('rl-a', 'all');
    const b = await stack.addPartner('rl-b', 'all');
    const id = stack.partnerOps.PartnerCategories!;
    const aStatuses = [];
    for (let i = 0; i < 4; i++) aStatuses.push((await partnerCall(url, a, { id })).status);
    expect(aStatuses).toEqual([200, 200, 200, 429]);
    expect((await partnerCall(url, b, { id })).status).toBe(200);
    // Partner traffic does not spend the IP budget of first-party clients…
    expect((await call(url, QUERY)).status).toBe(200);
    // …but guessing keys does: 3 more wrong keys use up the IP's budget of 4, then 429.
    const guesses = [];
    for (let i = 0; i < 4; i++) guesses.push((await partnerCall(url, `shp_${String(i).repeat(43)}`, { id })).status);
    expect(guesses).toEqual([401, 401, 401, 429]);
    expect((await call(url, QUERY)).status).toBe(429);
  });

  it('share one budget across replicas through Redis', async () => {
    const env = { REDIS_URL: redis.url, RATE_LIMIT_PER_IP: '6', RATE_LIMIT_WINDOW: '60s' };
    const [one, two] = [await replica(env), await replica(env)];
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(one, QUERY)).status, (await call(two, QUERY)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect((await call(one, QUERY)).status).toBe(429);
    expect((await call(two, QUERY)).status).toBe(429);
  });
});

describe('automatic persisted queries', () => {
  it('are registered per replica in memory: another replica does not know the hash', async () => {
    const [one, two] = [await replica({}), await replica({})];
    expect((await apq(one, false)).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await apq(one, true)).data.categories).toBeDefined();
    expect((await apq(one, false)).data.categories).toBeDefined();
    expect((await apq(two, false)).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('are shared by every replica through Redis, and a wrong hash is refused', async () => {
    const [one, two] = [await replica({ REDIS_URL: redis.url }), await replica({ REDIS_URL: redis.url })];
    expect((await apq(two, false)).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await apq(one, true);
    expect(registered.errors).toBeUndefined();
    const fromTwo = await apq(two, false);
    expect(fromTwo.errors).toBeUndefined();
    expect(fromTwo.data).toEqual(registered.data);
    const mismatch = await fetch(two, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ categories { name } }', extensions: { persistedQuery: { version: 1, sha256Hash: sha256(QUERY) } } }),
    });
    expect(mismatch.status).toBe(400);
  });

  it('keep serving when Redis goes away: hashes miss, full queries and rate limits still work', async () => {
    const dir = testTmpDir('shop-redis-');
    const doomed = await startRedis({ dir, logFile: `${dir}/redis.log` });
    const url = await replica({ REDIS_URL: doomed.url, RATE_LIMIT_PER_IP: '1000' });
    expect((await apq(url, true)).data.categories).toBeDefined();
    await doomed.stop();
    const miss = await apq(url, false);
    expect(miss.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const full = await apq(url, true);
    expect(full.status).toBe(200);
    expect(full.data.categories).toBeDefined();
    expect((await call(url, QUERY)).status).toBe(200);
    // Degraded, not down: the replica stays in rotation.
    expect((await fetch(url.replace(/\/graphql$/, '/readyz'))).status).toBe(200);
  });
});

describe('a MongoDB outage', () => {
  it('fails only requests with an unknown key (503), and usage counted meanwhile is written once it is back', async () => {
    // The gateway's own database, so that stopping it disturbs nobody else.
    const dir = testTmpDir('shop-gwdb-');
    const port = await freePort();
    let db = await startFerretDb({ dataDir: `${dir}/data`, logFile: `${dir}/ferretdb.log`, port });
    const conn = await connectMongo(db.url, 'gateway_outage');
    try {
      const models = await gateway.partnerModels(conn);
      const key = await gateway.addPartner(models, 'outage-co', [stack.partnerOps.PartnerCategories!]);
      const { url, gw } = await startReplica({ MONGODB_URL: db.url, MONGODB_DB: 'gateway_outage', PARTNER_CACHE_TTL: '10m' });
      const categories = () => partnerCall(url, key, { id: stack.partnerOps.PartnerCategories! });
      expect((await categories()).status).toBe(200);

      await db.stop();
      // A key looked up before the outage is still known; a key never seen cannot be checked.
      const during = await categories();
      expect(during.status).toBe(200);
      expect(during.errors).toBeUndefined();
      expect(during.data?.categories).toEqual(expect.any(Array));
      const unknown = await partnerCall(url, `shp_${'a'.repeat(43)}`, { id: stack.partnerOps.PartnerCategories! });
      expect(unknown.status).toBe(503);
      expect(unknown.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      // First-party traffic and readiness do not depend on the gateway's database.
      expect((await call(url, QUERY)).data?.categories).toBeDefined();
      expect((await fetch(url.replace(/\/graphql$/, '/readyz'))).status).toBe(200);
      await gw.flushUsage(); // fails and keeps the records for the next flush

      db = await startFerretDb({ dataDir: `${dir}/data`, logFile: `${dir}/ferretdb.log`, port });
      const rows = await waitFor(
        'the usage counted during the outage to be written',
        async () => {
          await gw.flushUsage();
          const report = await gateway.usageReport(models, { partner: 'outage-co' });
          return report.length > 0 && report;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      expect(rows).toEqual([expect.objectContaining({ operationName: 'PartnerCategories', requests: 2, failures: 0 })]);
      // Flushing again adds nothing: each record was written once.
      await gw.flushUsage();
      expect((await gateway.usageReport(models, { partner: 'outage-co' }))[0]?.requests).toBe(2);
    } finally {
      await conn.close();
      await db.stop();
    }
  });
});

describe('production mode', () => {
  let url: string;
  let brokenUrl: string;
  let sign: (roles: string[]) => Promise<string>;
  let jwks: http.Server;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = http.createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
    );
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: '',
      JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`,
      JWT_AUDIENCE: 'shop',
      PDF_LINK_SECRET: randomBytes(24).toString('base64url'),
      SIGNING_KEY: exportPrivateKey(stack.productionGatewaySigner.key),
    };
    delete (production as Partial<typeof production>).JWT_SECRET;
    url = await replica(production);
    // The same gateway with the product subgraph unreachable, to see what an internal failure shows.
    brokenUrl = await replica({ ...production, PRODUCT_URL: `http://127.0.0.1:${await freePort()}/graphql` });
    sign = (roles) =>
      new SignJWT({ roles })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setSubject('prod-admin')
        .setAudience('shop')
        .setExpirationTime('5m')
        .sign(privateKey);
  });
  afterAll(() => new Promise<void>((r) => (jwks ? jwks.close(() => r()) : r())));

  it('refuses introspection and serves no Sandbox', async () => {
    const intro = await call(url, '{ __schema { types { name } } }');
    expect(intro.status).toBe(400);
    expect(intro.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(intro.errors?.[0]?.message).toMatch(/introspection/i);
    const page = await fetch(url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('sandbox');
  });

  it('serves no GraphiQL: /graphiql and its assets are 404', async () => {
    const origin = url.replace(/\/graphql$/, '');
    for (const path of ['/graphiql', '/graphiql/assets/graphiql.js']) {
      expect((await fetch(`${origin}${path}`)).status, path).toBe(404);
    }
  });

  it('does not suggest field names', async () => {
    const res = await call(url, '{ products { edgez { cursor } } }');
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).not.toMatch(/did you mean/i);
  });

  it('masks an unreachable subgraph: no address, no stack, a retryable SERVICE_UNAVAILABLE', async () => {
    const res = await call(brokenUrl, '{ products(first: 1) { totalCount } }');
    const text = JSON.stringify(res);
    expect(res.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(res.errors?.[0]?.extensions?.retryable).toBe(true);
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack|at .*\.js/);
  });

  it('verifies tokens against the JWKS and refuses development tokens', async () => {
    const admin = await call(url, '{ orders(first: 1) { totalCount } }', {}, bearer(await sign(['admin'])));
    expect(admin.errors).toBeUndefined();
    expect(typeof admin.data.orders.totalCount).toBe('number');
    const dev = await call(url, '{ orders(first: 1) { totalCount } }', {}, bearer(await stack.token('ada', 'admin')));
    expect(dev.status).toBe(401);
    expect(dev.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses to start without a JWKS URL and audience, or with development secrets', () => {
    expect(() => gateway.loadConfig({ ...stack.gatewayEnv, NODE_ENV: 'production' })).toThrow(
      /JWKS_URL[\s\S]*JWT_AUDIENCE|JWT_AUDIENCE[\s\S]*JWKS_URL/,
    );
    expect(() =>
      gateway.loadConfig({
        ...stack.gatewayEnv,
        NODE_ENV: 'production',
        JWKS_URL: 'http://127.0.0.1:1/jwks.json',
        JWT_AUDIENCE: 'shop',
        PDF_LINK_SECRET: 'dev-only-pdf-link-secret-change-me',
      }),
    ).toThrow(/PDF_LINK_SECRET/);
  });
});
