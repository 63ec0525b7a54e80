import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  jwksCache,
  errors,
  jwtVerify,
  SignJWT,
  type ExportedJWKSCache,
  type FetchImplementation,
  type JSONWebKeySet,
  type JWKSCacheInput,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { z } from 'zod';
import { ConfigError, ROLES, unauthenticated, type Caller, type Role } from '@shop/kit';
import type { GatewayConfig } from './config.js';

const claimsSchema = z.object({
  sub: z.string().min(1).max(200),
  roles: z.array(z.enum(ROLES)).min(1).max(10),
});

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/**
 * Only asymmetric algorithms are accepted from the identity provider: an HS256 token signed with the
 * provider's public key as HMAC secret (algorithm confusion) is refused before any key is looked up.
 */
export const JWKS_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;

/** Same allowance as the signed context (kit/identity): the identity provider's clock is not ours. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** What a client sees when the key set cannot be fetched; the cause goes to `onKeysUnavailable`. */
export const KEYS_UNAVAILABLE_MESSAGE = 'Cannot verify the token: identity provider keys unavailable, try again later';

export type AuthConfig = Pick<
  GatewayConfig,
  'JWT_SECRET' | 'JWKS_URL' | 'JWT_ISSUER' | 'JWT_AUDIENCE' | 'JWKS_CACHE_MAX_AGE' | 'JWKS_STALE_IF_ERROR' | 'NODE_ENV'
>;

export interface AuthenticatorOptions {
  /** Replaces the global fetch for key-set requests (jose `customFetch`). */
  fetch?: FetchImplementation;
  /** After a key-set fetch, how long a token with an unknown `kid` is refused without refetching (ms, default 30 s). */
  cooldownDuration?: number;
  /** How long a key-set request may take (ms, default 5 s). */
  timeoutDuration?: number;
  /** After a failed key-set fetch, how long no other fetch is attempted (ms, default 5 s). */
  retryAfterFailure?: number;
  /**
   * Called once per failed key-set fetch with the underlying error, and whether tokens are meanwhile
   * verified with the last fetched set (`stale`) or refused (the client only gets UNAUTHENTICATED).
   */
  onKeysUnavailable?: (cause: unknown, fallback: 'stale' | 'refuse') => void;
}

export interface Authenticator {
  /**
   * Turns the Authorization header into a caller: no header is a guest; a header that is not a valid
   * token with `sub` and known `roles` is refused (UNAUTHENTICATED, 401), never downgraded to guest.
   */
  authenticate(header: string | undefined): Promise<Caller>;
  /** `jwks`: tokens from the identity provider (JWKS_URL); `hs256`: development tokens (JWT_SECRET). */
  readonly mode: 'jwks' | 'hs256';
}

/** The key set could not be fetched or used: the identity provider's problem, not the token's. */
class KeysUnavailable extends Error {
  constructor(cause: unknown) {
    super('identity provider keys unavailable', { cause });
    this.name = 'KeysUnavailable';
  }
}

type Key = JWTVerifyGetKey | Uint8Array;

/**
 * Wraps jose's remote key set so that failures to fetch or import keys (unreachable, timeout, non-200,
 * not JSON, not a key set) are told apart from tokens whose key is simply not in the set, and so that
 * an outage of the identity provider neither stalls every request nor signs everybody out at once:
 * - after a failed fetch, no other fetch is tried for `retryAfterFailure` (requests meanwhile do not
 *   wait for a timeout each);
 * - while fetches fail, tokens are verified with the last key set fetched, for up to
 *   JWKS_STALE_IF_ERROR past JWKS_CACHE_MAX_AGE; only after that, or with no set fetched yet, are they
 *   refused as "keys unavailable".
 */
function remoteKeys(config: AuthConfig & { JWKS_URL: string }, opts: AuthenticatorOptions): JWTVerifyGetKey {
  let url: URL;
  try {
    url = new URL(config.JWKS_URL);
  } catch {
    throw new ConfigError('gateway', ['JWKS_URL: must be an http(s) URL']);
  }
  // jose records the last successful fetch here: its time (`uat`) and the key set.
  const cache: JWKSCacheInput = {};
  const jwks = createRemoteJWKSet(url, {
    cacheMaxAge: config.JWKS_CACHE_MAX_AGE,
    cooldownDuration: opts.cooldownDuration ?? 30_000,
    timeoutDuration: opts.timeoutDuration ?? 5_000,
    [jwksCache]: cache,
    ...(opts.fetch ? { [customFetch]: opts.fetch } : {}),
  });
  const retryAfterFailure = opts.retryAfterFailure ?? 5_000;
  let retryAt = 0;
  let failure: unknown;
  let stale: { set: JSONWebKeySet; keys: JWTVerifyGetKey } | undefined;
  /** The last key set fetched, while it may still stand in for a fresh one. */
  const lastSet = (): JSONWebKeySet | undefined => {
    const { jwks: set, uat } = cache as Partial<ExportedJWKSCache>;
    return set && uat !== undefined && Date.now() - uat <= config.JWKS_CACHE_MAX_AGE + config.JWKS_STALE_IF_ERROR ? set : undefined;
  };

  return async (header, token) => {
    if (Date.now() >= retryAt) {
      try {
        return await jwks(header, token);
      } catch (err) {
        if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
        retryAt = Date.now() + retryAfterFailure;
        failure = err;
        opts.onKeysUnavailable?.(err, lastSet() ? 'stale' : 'refuse');
      }
    }
    const set = lastSet();
    if (!set) throw new KeysUnavailable(failure);
    const local = stale?.set === set ? stale : (stale = { set, keys: createLocalJWKSet(set) });
    return local.keys(header, token);
  };
}

function verifier(config: AuthConfig, opts: AuthenticatorOptions): { mode: Authenticator['mode']; key: Key; options: JWTVerifyOptions } {
  const base = { requiredClaims: ['exp'], clockTolerance: CLOCK_TOLERANCE_SECONDS };
  if (config.JWKS_URL) {
    return {
      mode: 'jwks',
      key: remoteKeys({ ...config, JWKS_URL: config.JWKS_URL }, opts),
      options: {
        ...base,
        algorithms: [...JWKS_ALGORITHMS],
        ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
        ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
      },
    };
  }
  if (config.NODE_ENV === 'production') {
    throw new ConfigError('gateway', [
      'JWKS_URL: required in production (the identity provider key set); development tokens (JWT_SECRET) are never accepted there',
    ]);
  }
  if (!config.JWT_SECRET) {
    throw new ConfigError('gateway', ['JWKS_URL or JWT_SECRET: set JWKS_URL (identity provider) or JWT_SECRET (development HS256 tokens)']);
  }
  return { mode: 'hs256', key: new TextEncoder().encode(config.JWT_SECRET), options: { ...base, algorithms: ['HS256'] } };
}

/**
 * Verifies bearer tokens: against the identity provider's key set when JWKS_URL is set (cached for
 * JWKS_CACHE_MAX_AGE, refetched when a token names an unknown `kid`, at most once per cooldown),
 * otherwise as development HS256 tokens signed with JWT_SECRET. Throws a ConfigError when neither
 * applies (production always needs JWKS_URL). Nothing is fetched until the first token arrives.
 */
export function createAuthenticator(config: AuthConfig, opts: AuthenticatorOptions = {}): Authenticator {
  const { mode, key, options } = verifier(config, opts);

  async function verify(token: string): Promise<JWTPayload> {
    try {
      return (await jwtVerify(token, key, options)).payload;
    } catch (err) {
      if (err instanceof KeysUnavailable) throw unauthenticated(KEYS_UNAVAILABLE_MESSAGE);
      throw unauthenticated(err instanceof errors.JWTExpired ? 'Token expired' : 'Invalid or expired token');
    }
  }

  return {
    mode,
    async authenticate(header) {
      if (!header) return { kind: 'guest' };
      const m = BEARER.exec(header.trim());
      if (!m) throw unauthenticated('Authorization must be "Bearer <JWT>"');
      const claims = claimsSchema.safeParse(await verify(m[1]!));
      if (!claims.success) throw unauthenticated('Token lacks a valid sub or roles claim');
      return { kind: 'user', sub: claims.data.sub, roles: claims.data.roles };
    },
  };
}

/** A development token (HS256) as `npm run token` prints it; only for gateways without JWKS_URL. */
export async function signDevToken(
  secret: string | undefined,
  sub: string,
  roles: readonly Role[],
  ttlSeconds = 12 * 3600,
): Promise<string> {
  if (!secret) {
    throw new Error('development tokens need JWT_SECRET; in production tokens come from the identity provider (JWKS_URL)');
  }
  return new SignJWT({ roles: [...roles] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(secret));
}
