import { randomBytes, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { SIGNER_NAME, type Signer, type SignerKeys } from './signing-keys.js';

/** Header carrying the signed caller context from the gateway (or a service) to a subgraph: `<iss>.<payload>.<signature>`. */
export const CONTEXT_HEADER = 'x-shop-context';
/** Correlates a request across services and logs. */
export const REQUEST_ID_HEADER = 'x-request-id';

export const ROLES = ['customer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const callerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('guest') }),
  z.object({ kind: z.literal('user'), sub: z.string().min(1).max(200), roles: z.array(z.enum(ROLES)).max(10) }),
  z.object({ kind: z.literal('partner'), partnerId: z.string().min(1).max(200) }),
  z.object({ kind: z.literal('service'), service: z.string().regex(/^[a-z][a-z0-9-]*$/) }),
]);

/** Who is calling, as the gateway established it. Subgraphs never trust anything else. */
export type Caller = z.infer<typeof callerSchema>;

const envelopeSchema = z.object({
  v: z.literal(2),
  /** The signer: whose public key verifies the signature, and whose rights ({@link maySign}) bound `caller`. */
  iss: z.string().regex(SIGNER_NAME),
  caller: callerSchema,
  requestId: z.string().min(1).max(200),
  /** Random per signature (16 bytes, base64url): a subgraph accepts each one once ({@link ReplayGuard}). */
  n: z.string().regex(/^[A-Za-z0-9_-]{22,64}$/),
  /** The service the context is meant for, when the signer knows it: any other service refuses it. */
  aud: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/)
    .optional(),
  iat: z.number().int(),
  exp: z.number().int(),
});

export type SignedContext = z.infer<typeof envelopeSchema>;

/** How long a signed context is accepted; short, because it only has to cross one hop. */
export const CONTEXT_TTL_SECONDS = 30;
/** Tolerance between the signer's clock and the verifier's. */
export const CLOCK_SKEW_SECONDS = 5;

/** The one signer that may speak for people (guests, users, partners); docs/design.md §7. */
export const EDGE_SIGNER = 'gateway';

/**
 * The rights table: the gateway may sign guests, users, partners and `service:gateway`; any other
 * signer may sign only itself (`service:<its name>`). Verifiers refuse everything else.
 */
export const maySign = (signer: string, caller: Caller): boolean =>
  caller.kind === 'service' ? caller.service === signer : signer === EDGE_SIGNER;

/** The caller a service signs as: itself. */
export const serviceCaller = (signer: Signer): Caller => ({ kind: 'service', service: signer.name });

/**
 * Signs `caller` for one request with `signer`'s Ed25519 key. Every call makes a new nonce, so a
 * header is good for exactly one request: sign again for every request, including a retry of the
 * same one. Signing does not check {@link maySign}; verifiers do.
 */
export function signContext(
  signer: Signer,
  caller: Caller,
  requestId: string = randomUUID(),
  now: number = Date.now(),
  audience?: string,
): string {
  const iat = Math.floor(now / 1000);
  const n = randomBytes(16).toString('base64url');
  const envelope: SignedContext = {
    v: 2,
    iss: signer.name,
    caller,
    requestId,
    n,
    ...(audience ? { aud: audience } : {}),
    iat,
    exp: iat + CONTEXT_TTL_SECONDS,
  };
  const signed = `${signer.name}.${Buffer.from(JSON.stringify(envelope)).toString('base64url')}`;
  return `${signed}.${sign(null, Buffer.from(signed), signer.key).toString('base64url')}`;
}

function signatureValid(key: KeyObject, signed: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(signed), key, Buffer.from(signature, 'base64url'));
  } catch {
    return false; // a signature of the wrong length or encoding
  }
}

export type VerifyResult = { ok: true; context: SignedContext } | { ok: false; reason: string };

/**
 * Finds the signer's public key in `keys`, checks the signature, then shape, the signer's rights
 * ({@link maySign}) and expiry. Pure: it does not consume the nonce (observers such as test call
 * counters verify too); whoever acts on the request also calls {@link acceptContext} or
 * {@link ReplayGuard.tryClaim}.
 */
export function verifyContext(keys: SignerKeys, header: string | undefined, now: number = Date.now()): VerifyResult {
  if (!header) return { ok: false, reason: 'missing signed context' };
  if (header.length > 4096) return { ok: false, reason: 'signed context too large' };
  const parts = header.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed signed context' };
  const [iss, payload, signature] = parts as [string, string, string];
  const trusted = keys.get(iss);
  if (!trusted?.length) return { ok: false, reason: 'unknown signer' };
  if (!trusted.some((key) => signatureValid(key, `${iss}.${payload}`, signature))) return { ok: false, reason: 'bad signature' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed signed context' };
  }
  const result = envelopeSchema.safeParse(parsed);
  if (!result.success || result.data.iss !== iss) return { ok: false, reason: 'malformed signed context' };
  if (!maySign(iss, result.data.caller)) return { ok: false, reason: `signer ${iss} may not sign this caller` };
  const nowSec = Math.floor(now / 1000);
  if (result.data.exp < nowSec) return { ok: false, reason: 'signed context expired' };
  if (result.data.iat > nowSec + CLOCK_SKEW_SECONDS) return { ok: false, reason: 'signed context from the future' };
  if (result.data.exp - result.data.iat > CONTEXT_TTL_SECONDS) return { ok: false, reason: 'signed context lives too long' };
  return { ok: true, context: result.data };
}

/** What {@link ReplayGuard.tryClaim} decided about one signed context. */
export type ClaimOutcome = 'claimed' | 'replayed' | 'full' | 'out-of-window';

/**
 * Default cap on remembered nonces: a nonce is kept at most TTL + 2 × skew (40 s), so this covers
 * about 6 000 signed requests a second into one process, in under 20 MB (measured ~70 bytes a nonce).
 */
export const DEFAULT_REPLAY_GUARD_ENTRIES = 250_000;

/**
 * Accepts each signed context (by its nonce) at most once in this process. A nonce is remembered
 * until the context could no longer verify anyway (`exp` + clock skew), then pruned. Memory is
 * bounded by `maxEntries`: when that many live nonces are held, new contexts are refused ('full')
 * rather than an old nonce forgotten, since forgetting one would reopen its replay window. Only
 * contexts that passed {@link verifyContext} should reach it, so only holders of a trusted signing
 * key can fill it. One guard per process: replicas behind a load balancer do not share it.
 */
export class ReplayGuard {
  readonly maxEntries: number;
  private readonly skewSeconds: number;
  private readonly seen = new Set<string>();
  /** `exp` second → the nonces that expire then: about one key per second of the window. */
  private readonly byExpiry = new Map<number, string[]>();
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(opts: { maxEntries?: number; skewSeconds?: number } = {}) {
    this.maxEntries = opts.maxEntries ?? DEFAULT_REPLAY_GUARD_ENTRIES;
    this.skewSeconds = opts.skewSeconds ?? CLOCK_SKEW_SECONDS;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  }

  /** Live nonces held. */
  get size(): number {
    return this.seen.size;
  }

  /** Claims this context's nonce: 'claimed' the first time, else why not (a replay, a full guard, an expired context). */
  tryClaim(ctx: Pick<SignedContext, 'n' | 'exp'>, now: number = Date.now()): ClaimOutcome {
    const nowSec = Math.floor(now / 1000);
    this.prune(nowSec);
    if (this.seen.has(ctx.n)) return 'replayed';
    // A context the guard would forget at once, or hold past any TTL, is not one it can vouch for.
    if (ctx.exp + this.skewSeconds < nowSec || ctx.exp > nowSec + CONTEXT_TTL_SECONDS + this.skewSeconds) return 'out-of-window';
    if (this.seen.size >= this.maxEntries) return 'full';
    this.seen.add(ctx.n);
    const bucket = this.byExpiry.get(ctx.exp);
    if (bucket) bucket.push(ctx.n);
    else this.byExpiry.set(ctx.exp, [ctx.n]);
    return 'claimed';
  }

  /** Drops nonces whose contexts can no longer verify; at most once per second of `now`. */
  private prune(nowSec: number): void {
    if (nowSec <= this.prunedAt) return;
    this.prunedAt = nowSec;
    for (const [exp, nonces] of this.byExpiry) {
      if (exp + this.skewSeconds >= nowSec) continue;
      for (const n of nonces) this.seen.delete(n);
      this.byExpiry.delete(exp);
    }
  }
}

/** The refusal reason when a {@link ReplayGuard} is full: a capacity problem, worth an alert. */
export const REPLAY_GUARD_FULL = 'too many signed contexts in flight';

const CLAIM_REFUSALS: Record<Exclude<ClaimOutcome, 'claimed'>, string> = {
  replayed: 'signed context already used',
  full: REPLAY_GUARD_FULL,
  'out-of-window': 'signed context expired',
};

/** {@link verifyContext}, then claims the nonce: what a service acting on the request calls. */
export function acceptContext(
  keys: SignerKeys,
  header: string | undefined,
  guard: ReplayGuard,
  now: number = Date.now(),
  /** This service's name: a context signed for another service is refused (before it is claimed). */
  audience?: string,
): VerifyResult {
  const verified = verifyContext(keys, header, now);
  if (!verified.ok) return verified;
  const aud = verified.context.aud;
  if (aud !== undefined && audience !== undefined && aud !== audience)
    return { ok: false, reason: 'signed context meant for another service' };
  const outcome = guard.tryClaim(verified.context, now);
  return outcome === 'claimed' ? verified : { ok: false, reason: CLAIM_REFUSALS[outcome] };
}

export const isAdmin = (c: Caller): boolean => c.kind === 'user' && c.roles.includes('admin');

/**
 * The ownership rule of carts, orders and what hangs off them (payments, invoices; docs/design.md §7), by
 * the owner's subject: a guest's (`ownerId` null) is anyone's who holds its id, guest or signed in; a
 * customer's is that customer's; admins may use all. Partners and services own nothing: their own rules
 * say what they may read.
 */
export function mayUseOwned(caller: Caller, ownerId: string | null): boolean {
  if (isAdmin(caller)) return true;
  if (ownerId === null) return caller.kind === 'guest' || caller.kind === 'user';
  return caller.kind === 'user' && caller.sub === ownerId;
}
export const isService = (c: Caller, name?: string): boolean => c.kind === 'service' && (name === undefined || c.service === name);
/** The signed-in user's id, or undefined for guests, partners and services. */
export const userId = (c: Caller): string | undefined => (c.kind === 'user' ? c.sub : undefined);
