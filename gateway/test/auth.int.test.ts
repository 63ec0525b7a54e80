import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, exportPrivateKey, generateSigner } from '@shop/kit';
import { createAuthenticator, KEYS_UNAVAILABLE_MESSAGE, signDevToken, type AuthConfig, type AuthenticatorOptions } from '../src/auth.js';
import { loadConfig } from '../src/config.js';

const ISSUER = 'https://id.example.test/';
const AUDIENCE = 'shop-gateway';
const DEV_SECRET = 'test-only-jwt-secret-0123456789abcdef';

interface IssuerKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  jwk: JWK;
}

async function issuerKey(alg: IssuerKey['alg'], kid: string): Promise<IssuerKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

interface TokenOptions {
  sub?: string;
  roles?: unknown;
  iss?: string;
  aud?: string;
  /** Seconds since the epoch; `null` leaves `exp` out. */
  exp?: number | null;
  kid?: string;
}

const now = () => Math.floor(Date.now() / 1000);

function sign(key: IssuerKey, o: TokenOptions = {}): Promise<string> {
  const jwt = new SignJWT({ roles: o.roles ?? ['customer'] })
    .setProtectedHeader({ alg: key.alg, typ: 'JWT', kid: o.kid ?? key.kid })
    .setSubject(o.sub ?? 'alice')
    .setIssuer(o.iss ?? ISSUER)
    .setAudience(o.aud ?? AUDIENCE)
    .setIssuedAt();
  if (o.exp !== null) jwt.setExpirationTime(o.exp ?? now() + 600);
  return jwt.sign(key.privateKey);
}

/** A stand-in identity provider: serves `keys` at /jwks.json (or 503 while `down`), counting fetches. */
interface Idp {
  url: string;
  /** Accepts the connection and never answers. */
  hangingUrl: string;
  keys: JWK[];
  down: boolean;
  fetches: number;
  close(): Promise<void>;
}

async function startIdp(keys: JWK[]): Promise<Idp> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/hang') return;
    if (req.url !== '/jwks.json') return void res.writeHead(404).end();
    idp.fetches++;
    if (idp.down) return void res.writeHead(503).end('maintenance');
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: idp.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const idp: Idp = {
    url: `${base}/jwks.json`,
    hangingUrl: `${base}/hang`,
    keys,
    down: false,
    fetches: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return idp;
}

const jwksConfig = (url: string, over: Partial<AuthConfig> = {}): AuthConfig => ({
  NODE_ENV: 'test',
  JWT_SECRET: undefined,
  JWKS_URL: url,
  JWT_ISSUER: ISSUER,
  JWT_AUDIENCE: AUDIENCE,
  JWKS_CACHE_MAX_AGE: 600_000,
  JWKS_STALE_IF_ERROR: 3_600_000,
  ...over,
});

/** Resolves with the refusal; fails the test if the promise resolves (e.g. downgraded to guest). */
async function refusal(p: Promise<unknown>): Promise<GraphQLError> {
  const outcome = await p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected UNAUTHENTICATED, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(GraphQLError);
  const err = outcome.error as GraphQLError;
  expect(err.extensions).toMatchObject({ code: 'UNAUTHENTICATED', http: { status: 401 } });
  return err;
}

let rsa: IssuerKey;
let ec: IssuerKey;
let idp: Idp;

beforeAll(async () => {
  [rsa, ec] = await Promise.all([issuerKey('RS256', 'rsa-1'), issuerKey('ES256', 'ec-1')]);
  idp = await startIdp([rsa.jwk, ec.jwk]);
});
afterAll(() => idp?.close());

describe('JWKS mode (identity provider tokens)', () => {
  it('accepts RS256 and ES256 tokens from the key set and returns the user caller', async () => {
    const auth = createAuthenticator(jwksConfig(idp.url));
    expect(auth.mode).toBe('jwks');
    expect(await auth.authenticate(`Bearer ${await sign(rsa, { sub: 'alice', roles: ['customer'] })}`)).toEqual({
      kind: 'user',
      sub: 'alice',
      roles: ['customer'],
    });
    expect(await auth.authenticate(`Bearer ${await sign(ec, { sub: 'root', roles: ['admin', 'customer'] })}`)).toEqual({
      kind: 'user',
      sub: 'root',
      roles: ['admin', 'customer'],
    });
  });

  it('treats a request without Authorization as a guest without contacting the identity provider', async () => {
    const before = idp.fetches;
    const auth = createAuthenticator(jwksConfig(idp.url));
    expect(await auth.authenticate(undefined)).toEqual({ kind: 'guest' });
    expect(idp.fetches).toBe(before);
  });

  it('refuses a token for another issuer or another audience', async () => {
    const auth = createAuthenticator(jwksConfig(idp.url));
    await refusal(auth.authenticate(`Bearer ${await sign(rsa, { iss: 'https://evil.example.test/' })}`));
    await refusal(auth.authenticate(`Bearer ${await sign(rsa, { aud: 'some-other-api' })}`));
    // Sanity: the same key with the right claims passes, so the refusals above are about iss/aud.
    expect((await auth.authenticate(`Bearer ${await sign(rsa)}`)).kind).toBe('user');
  });

  it('refuses an expired token and a token without exp', async () => {
    const auth = createAuthenticator(jwksConfig(idp.url));
    const expired = await refusal(auth.authenticate(`Bearer ${await sign(rsa, { exp: now() - 60 })}`));
    expect(expired.message).toBe('Token expired');
    const noExp = await refusal(auth.authenticate(`Bearer ${await sign(rsa, { exp: null })}`));
    expect(noExp.message).toMatch(/invalid/i);
  });

  it('refuses tokens without sub or with unknown roles, and headers that are not "Bearer <JWT>"', async () => {
    const auth = createAuthenticator(jwksConfig(idp.url));
    await refusal(auth.authenticate(`Bearer ${await sign(rsa, { roles: ['superuser'] })}`));
    await refusal(auth.authenticate(`Bearer ${await sign(rsa, { roles: [] })}`));
    await refusal(auth.authenticate(`Bearer ${await sign(rsa, { sub: '' })}`));
    await refusal(auth.authenticate('Basic YTpi'));
    await refusal(auth.authenticate('Bearer not-a-jwt'));
  });

  it('refuses HS256 (algorithm confusion with the public key as secret) and alg "none", before fetching keys', async () => {
    const before = idp.fetches;
    const auth = createAuthenticator(jwksConfig(idp.url));
    const claims = { roles: ['admin'] };
    for (const secret of [JSON.stringify(rsa.jwk), DEV_SECRET]) {
      const hs = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
        .setSubject('mallory')
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(secret));
      await refusal(auth.authenticate(`Bearer ${hs}`));
    }
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const payload = { sub: 'mallory', roles: ['admin'], iss: ISSUER, aud: AUDIENCE, exp: now() + 600 };
    await refusal(auth.authenticate(`Bearer ${enc({ alg: 'none' })}.${enc(payload)}.${enc({ x: 1 })}`));
    expect(idp.fetches).toBe(before);
  });

  it('refuses a token signed by a key outside the set, without refetching the set during the cooldown', async () => {
    const before = idp.fetches;
    const auth = createAuthenticator(jwksConfig(idp.url));
    const stranger = await issuerKey('RS256', 'stranger');
    await refusal(auth.authenticate(`Bearer ${await sign(stranger)}`));
    // Unknown kids keep coming: jose refetches at most once per cooldown (30 s by default).
    for (let i = 0; i < 5; i++) await refusal(auth.authenticate(`Bearer ${await sign(stranger, { kid: `spray-${i}` })}`));
    // A forged token naming a kid that is in the set fails on the signature.
    await refusal(auth.authenticate(`Bearer ${await sign(stranger, { kid: rsa.kid })}`));
    expect(idp.fetches - before).toBe(1);
  });

  it('fetches the key set once for 20 verifications (10 concurrent, then 10 in a row)', async () => {
    const before = idp.fetches;
    const auth = createAuthenticator(jwksConfig(idp.url));
    const token = `Bearer ${await sign(rsa)}`;
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => auth.authenticate(token)));
    expect(concurrent.every((c) => c.kind === 'user')).toBe(true);
    for (let i = 0; i < 10; i++) expect((await auth.authenticate(token)).kind).toBe('user');
    expect(idp.fetches - before).toBe(1);
  });

  it('follows a key rotation: a new kid is accepted after one refetch, once the cooldown has passed', async () => {
    const rotating = await startIdp([rsa.jwk]);
    try {
      const auth = createAuthenticator(jwksConfig(rotating.url), { cooldownDuration: 300 });
      expect((await auth.authenticate(`Bearer ${await sign(rsa)}`)).kind).toBe('user');
      expect(rotating.fetches).toBe(1);

      const next = await issuerKey('RS256', 'rsa-2');
      rotating.keys = [rsa.jwk, next.jwk];
      const fresh = `Bearer ${await sign(next, { sub: 'bob' })}`;
      // Within the cooldown the unknown kid is refused without a fetch; after it, one refetch finds the key.
      const caller = await vi.waitFor(() => auth.authenticate(fresh), { timeout: 5_000, interval: 25 });
      expect(caller).toEqual({ kind: 'user', sub: 'bob', roles: ['customer'] });
      expect(rotating.fetches).toBe(2);

      // Both keys are served now: tokens of either verify from the cache.
      expect((await auth.authenticate(`Bearer ${await sign(rsa)}`)).kind).toBe('user');
      expect((await auth.authenticate(fresh)).kind).toBe('user');
      expect(rotating.fetches).toBe(2);
    } finally {
      await rotating.close();
    }
  });

  it('stops trusting a retired key once JWKS_CACHE_MAX_AGE has passed', async () => {
    const retiring = await startIdp([rsa.jwk, ec.jwk]);
    try {
      const auth = createAuthenticator(jwksConfig(retiring.url, { JWKS_CACHE_MAX_AGE: 300 }), { cooldownDuration: 0 });
      const old = `Bearer ${await sign(rsa)}`;
      expect((await auth.authenticate(old)).kind).toBe('user');
      retiring.keys = [ec.jwk];
      // Still cached right after the key left the set; refused once the cache is stale and refetched.
      await vi.waitFor(() => refusal(auth.authenticate(old)), { timeout: 5_000, interval: 25 });
      expect((await auth.authenticate(`Bearer ${await sign(ec)}`)).kind).toBe('user');
    } finally {
      await retiring.close();
    }
  });

  it('answers UNAUTHENTICATED "keys unavailable" when the identity provider is unreachable, and recovers', async () => {
    const gone = await startIdp([rsa.jwk]);
    const goneUrl = gone.url;
    await gone.close();
    const causes: unknown[] = [];
    const onKeysUnavailable: AuthenticatorOptions['onKeysUnavailable'] = (cause) => causes.push(cause);
    const token = `Bearer ${await sign(rsa)}`;

    const refused = await refusal(createAuthenticator(jwksConfig(goneUrl), { onKeysUnavailable }).authenticate(token));
    expect(refused.message).toBe(KEYS_UNAVAILABLE_MESSAGE);
    expect(refused.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|fetch failed/);
    expect(causes).toHaveLength(1);
    expect(causes[0]).toBeInstanceOf(Error);

    // A provider answering 503 is just as unavailable; once it is back, the next request succeeds.
    const flaky = await startIdp([rsa.jwk]);
    try {
      flaky.down = true;
      const auth = createAuthenticator(jwksConfig(flaky.url), { onKeysUnavailable, retryAfterFailure: 0 });
      expect((await refusal(auth.authenticate(token))).message).toBe(KEYS_UNAVAILABLE_MESSAGE);
      flaky.down = false;
      expect(await auth.authenticate(token)).toEqual({ kind: 'user', sub: 'alice', roles: ['customer'] });
      expect(flaky.fetches).toBe(2);
      expect(causes).toHaveLength(2);
    } finally {
      await flaky.close();
    }
  });

  it('after a failed fetch, refuses at once without refetching until retryAfterFailure has passed', async () => {
    const down = await startIdp([rsa.jwk]);
    try {
      down.down = true;
      const fallbacks: string[] = [];
      const auth = createAuthenticator(jwksConfig(down.url), {
        retryAfterFailure: 60_000,
        onKeysUnavailable: (_cause, fallback) => fallbacks.push(fallback),
      });
      const token = `Bearer ${await sign(rsa)}`;
      for (let i = 0; i < 10; i++) expect((await refusal(auth.authenticate(token))).message).toBe(KEYS_UNAVAILABLE_MESSAGE);
      await Promise.all(Array.from({ length: 10 }, () => refusal(auth.authenticate(token))));
      expect(down.fetches).toBe(1);
      expect(fallbacks).toEqual(['refuse']);
    } finally {
      await down.close();
    }
  });

  it('keeps verifying with the last key set while the provider is down, for JWKS_STALE_IF_ERROR past the cache age', async () => {
    const outage = await startIdp([rsa.jwk]);
    try {
      const fallbacks: string[] = [];
      const auth = createAuthenticator(jwksConfig(outage.url, { JWKS_CACHE_MAX_AGE: 200, JWKS_STALE_IF_ERROR: 1_500 }), {
        retryAfterFailure: 0,
        onKeysUnavailable: (_cause, fallback) => fallbacks.push(fallback),
      });
      const token = `Bearer ${await sign(rsa)}`;
      expect((await auth.authenticate(token)).kind).toBe('user');
      outage.down = true;
      // Once the cached set is stale, a refetch is tried and fails, and the token is still accepted.
      await vi.waitFor(
        async () => {
          expect(await auth.authenticate(token)).toEqual({ kind: 'user', sub: 'alice', roles: ['customer'] });
          expect(outage.fetches).toBeGreaterThan(1);
        },
        { timeout: 5_000, interval: 25 },
      );
      expect(fallbacks[0]).toBe('stale');
      // The stale set is still a set: keys outside it and bad tokens are refused as before.
      expect((await refusal(auth.authenticate(`Bearer ${await sign(ec)}`))).message).not.toBe(KEYS_UNAVAILABLE_MESSAGE);
      await refusal(auth.authenticate(`Bearer ${await sign(rsa, { aud: 'someone-else' })}`));
      // Past JWKS_STALE_IF_ERROR the old set is no longer used.
      await vi.waitFor(async () => expect((await refusal(auth.authenticate(token))).message).toBe(KEYS_UNAVAILABLE_MESSAGE), {
        timeout: 5_000,
        interval: 50,
      });
      expect(fallbacks.at(-1)).toBe('refuse');
      outage.down = false;
      expect((await auth.authenticate(token)).kind).toBe('user');
    } finally {
      await outage.close();
    }
  });

  it('with JWKS_STALE_IF_ERROR 0, refuses as soon as the cached set is stale and cannot be refetched', async () => {
    const outage = await startIdp([rsa.jwk]);
    try {
      const auth = createAuthenticator(jwksConfig(outage.url, { JWKS_CACHE_MAX_AGE: 200, JWKS_STALE_IF_ERROR: 0 }), {
        retryAfterFailure: 0,
      });
      const token = `Bearer ${await sign(rsa)}`;
      expect((await auth.authenticate(token)).kind).toBe('user');
      outage.down = true;
      await vi.waitFor(async () => expect((await refusal(auth.authenticate(token))).message).toBe(KEYS_UNAVAILABLE_MESSAGE), {
        timeout: 5_000,
        interval: 25,
      });
    } finally {
      await outage.close();
    }
  });

  it('answers UNAUTHENTICATED "keys unavailable" when the key set request times out', async () => {
    const auth = createAuthenticator(jwksConfig(idp.hangingUrl), { timeoutDuration: 200 });
    const refused = await refusal(auth.authenticate(`Bearer ${await sign(rsa)}`));
    expect(refused.message).toBe(KEYS_UNAVAILABLE_MESSAGE);
  });

  it('accepts any issuer and audience when JWT_ISSUER / JWT_AUDIENCE are unset', async () => {
    const auth = createAuthenticator(jwksConfig(idp.url, { JWT_ISSUER: undefined, JWT_AUDIENCE: undefined }));
    expect((await auth.authenticate(`Bearer ${await sign(rsa, { iss: 'https://other/', aud: 'x' })}`)).kind).toBe('user');
  });

  it('uses JWKS even when a development JWT_SECRET is also set: dev tokens are then refused', async () => {
    const auth = createAuthenticator(jwksConfig(idp.url, { JWT_SECRET: DEV_SECRET }));
    expect(auth.mode).toBe('jwks');
    await refusal(auth.authenticate(`Bearer ${await signDevToken(DEV_SECRET, 'dev', ['admin'])}`));
  });
});

describe('HS256 mode (development tokens)', () => {
  const devConfig: AuthConfig = {
    NODE_ENV: 'development',
    JWT_SECRET: DEV_SECRET,
    JWKS_URL: undefined,
    JWT_ISSUER: undefined,
    JWT_AUDIENCE: undefined,
    JWKS_CACHE_MAX_AGE: 600_000,
    JWKS_STALE_IF_ERROR: 3_600_000,
  };

  it('accepts tokens from signDevToken and treats no header as a guest', async () => {
    const auth = createAuthenticator(devConfig);
    expect(auth.mode).toBe('hs256');
    expect(await auth.authenticate(`Bearer ${await signDevToken(DEV_SECRET, 'alice', ['customer'])}`)).toEqual({
      kind: 'user',
      sub: 'alice',
      roles: ['customer'],
    });
    expect(await auth.authenticate(undefined)).toEqual({ kind: 'guest' });
  });

  it('refuses tokens signed with another secret, expired ones and asymmetric ones', async () => {
    const auth = createAuthenticator(devConfig);
    await refusal(auth.authenticate(`Bearer ${await signDevToken('another-secret-0123456789abcdef', 'alice', ['admin'])}`));
    const expired = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setExpirationTime(now() - 60)
      .sign(new TextEncoder().encode(DEV_SECRET));
    await refusal(auth.authenticate(`Bearer ${expired}`));
    await refusal(auth.authenticate(`Bearer ${await sign(rsa)}`));
  });

  it('signDevToken refuses to sign without JWT_SECRET and says where tokens come from instead', async () => {
    await expect(signDevToken(undefined, 'alice', ['customer'])).rejects.toThrow(/JWT_SECRET.*JWKS_URL/);
  });
});

describe('configuration', () => {
  const productionEnv = {
    NODE_ENV: 'production',
    APOLLO_TELEMETRY_DISABLED: '1',
    SIGNING_KEY: exportPrivateKey(generateSigner('gateway').key),
    PDF_LINK_SECRET: randomBytes(24).toString('base64url'),
  };

  it('refuses a production configuration without JWKS_URL, naming it', () => {
    expect(() => loadConfig({ ...productionEnv, JWT_SECRET: DEV_SECRET })).toThrow(ConfigError);
    expect(() => loadConfig({ ...productionEnv, JWT_SECRET: DEV_SECRET })).toThrow(/JWKS_URL/);
  });

  it('builds a JWKS authenticator from a production configuration, fetching nothing up front', () => {
    const before = idp.fetches;
    const config = loadConfig({ ...productionEnv, JWKS_URL: idp.url, JWT_AUDIENCE: AUDIENCE, JWKS_CACHE_MAX_AGE: '5m' });
    expect(config.JWKS_CACHE_MAX_AGE).toBe(300_000);
    expect(createAuthenticator(config).mode).toBe('jwks');
    expect(idp.fetches).toBe(before);
  });

  it('refuses to build an authenticator with neither JWKS_URL nor JWT_SECRET, or HS256 in production', () => {
    const none: AuthConfig = { ...jwksConfig(''), JWKS_URL: undefined };
    expect(() => createAuthenticator(none)).toThrow(/JWKS_URL or JWT_SECRET/);
    expect(() => createAuthenticator({ ...none, NODE_ENV: 'production', JWT_SECRET: DEV_SECRET })).toThrow(
      /JWKS_URL: required in production/,
    );
  });
});
