import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { z } from 'zod';
import { JsonStateFile } from '@shop/kit';

const rsaPrivateJwk = z.looseObject({
  kty: z.literal('RSA'),
  kid: z.string().min(1),
  alg: z.literal('RS256'),
  use: z.literal('sig'),
  n: z.string().min(1),
  e: z.string().min(1),
  d: z.string().min(1),
  p: z.string().min(1),
  q: z.string().min(1),
  dp: z.string().min(1),
  dq: z.string().min(1),
  qi: z.string().min(1),
});
export type SigningJwk = z.infer<typeof rsaPrivateJwk>;

/**
 * `keys.json`: the RS256 signing keys, current first (it signs; the others are only published so the
 * tokens they signed stay valid until retired), and the keys that sign the provider's cookies.
 */
const keysSchema = z.strictObject({
  version: z.literal(1),
  signing: z.array(z.strictObject({ created: z.number().int().nonnegative(), jwk: rsaPrivateJwk })).min(1),
  cookies: z.array(z.string().min(32)).min(1),
});
type KeysState = z.infer<typeof keysSchema>;

export class KeyError extends Error {
  constructor(
    readonly code: 'unknown_key' | 'current_key',
    message: string,
  ) {
    super(message);
  }
}

async function newSigningKey(): Promise<KeysState['signing'][number]> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const created = Date.now();
  const kid = `rs256-${new Date(created).toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`;
  return { created, jwk: rsaPrivateJwk.parse({ ...jwk, kid, alg: 'RS256', use: 'sig' }) };
}

/** The public half of a signing key, as the JWKS publishes it. */
export function publicJwk(jwk: SigningJwk): JWK {
  const { kty, kid, alg, use, n, e } = jwk;
  return { kty, kid, alg, use, n, e };
}

/**
 * The signing and cookie keys: generated on first start, kept in `<SANDBOX_STATE_DIR>/keys.json` when
 * set (rewritten before a rotation or retirement is answered), so a restart keeps issued tokens valid.
 */
export class KeyStore {
  private constructor(
    private state: KeysState,
    private readonly file: JsonStateFile<typeof keysSchema> | undefined,
  ) {}

  static async open(stateDir: string | undefined): Promise<KeyStore> {
    const file = stateDir === undefined ? undefined : new JsonStateFile(join(stateDir, 'keys.json'), keysSchema);
    const saved = file?.load();
    if (saved) return new KeyStore(saved, file);
    const store = new KeyStore({ version: 1, signing: [await newSigningKey()], cookies: [randomBytes(32).toString('base64url')] }, file);
    store.save();
    return store;
  }

  /** Private JWKs, current first: what oidc-provider signs with (the first RS256 key) and publishes. */
  get signingJwks(): SigningJwk[] {
    return this.state.signing.map((k) => k.jwk);
  }

  get cookieKeys(): string[] {
    return [...this.state.cookies];
  }

  /** Every published key: its kid, when it was made, and whether it signs new tokens. */
  list(): { kid: string; created: string; current: boolean }[] {
    return this.state.signing.map((k, i) => ({ kid: k.jwk.kid, created: new Date(k.created).toISOString(), current: i === 0 }));
  }

  /** Makes a new key the current one; the previous ones stay published until retired. */
  async rotate(): Promise<string> {
    const key = await newSigningKey();
    this.state = { ...this.state, signing: [key, ...this.state.signing] };
    this.save();
    return key.jwk.kid;
  }

  /** Stops publishing a previous key: the tokens it signed are refused once verifiers refetch the JWKS. */
  retire(kid: string): void {
    const index = this.state.signing.findIndex((k) => k.jwk.kid === kid);
    if (index < 0) throw new KeyError('unknown_key', `No published key has kid "${kid}"`);
    if (index === 0) throw new KeyError('current_key', `"${kid}" is the current key: rotate first, then retire it`);
    this.state = { ...this.state, signing: this.state.signing.filter((_, i) => i !== index) };
    this.save();
  }

  /** Signs a JWT with the current key (the development mint route). */
  async sign(
    claims: Record<string, unknown>,
    opts: { issuer: string; audience: string; subject: string; ttlSeconds: number },
  ): Promise<string> {
    const jwk = this.state.signing[0]!.jwk;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: jwk.kid })
      .setIssuer(opts.issuer)
      .setAudience(opts.audience)
      .setSubject(opts.subject)
      .setIssuedAt()
      .setJti(randomBytes(16).toString('base64url'))
      .setExpirationTime(`${opts.ttlSeconds}s`)
      .sign(await importJWK(jwk, 'RS256'));
  }

  private save(): void {
    this.file?.save(this.state);
  }
}
