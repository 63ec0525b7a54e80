import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** Header carrying the signed caller context from the gateway (or a service) to a subgraph. */
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
  v: z.literal(1),
  caller: callerSchema,
  requestId: z.string().min(1).max(200),
  iat: z.number().int(),
  exp: z.number().int(),
});

export type SignedContext = z.infer<typeof envelopeSchema>;

/** How long a signed context is accepted; short, because it only has to cross one hop. */
export const CONTEXT_TTL_SECONDS = 30;
const CLOCK_SKEW_SECONDS = 5;

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

export function signContext(secret: string, caller: Caller, requestId: string = randomUUID(), now: number = Date.now()): string {
  const iat = Math.floor(now / 1000);
  const envelope: SignedContext = { v: 1, caller, requestId, iat, exp: iat + CONTEXT_TTL_SECONDS };
  const payload = Buffer.from(JSON.stringify(envelope)).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

export type VerifyResult = { ok: true; context: SignedContext } | { ok: false; reason: string };

/** Checks signature first (constant time), then expiry, then shape. */
export function verifyContext(secret: string, header: string | undefined, now: number = Date.now()): VerifyResult {
  if (!header) return { ok: false, reason: 'missing signed context' };
  if (header.length > 4096) return { ok: false, reason: 'signed context too large' };
  const dot = header.indexOf('.');
  if (dot <= 0) return { ok: false, reason: 'malformed signed context' };
  const payload = header.slice(0, dot);
  const given = Buffer.from(header.slice(dot + 1), 'base64url');
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad signature' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed signed context' };
  }
  const result = envelopeSchema.safeParse(parsed);
  if (!result.success) return { ok: false, reason: 'malformed signed context' };
  const nowSec = Math.floor(now / 1000);
  if (result.data.exp < nowSec) return { ok: false, reason: 'signed context expired' };
  if (result.data.iat > nowSec + CLOCK_SKEW_SECONDS) return { ok: false, reason: 'signed context from the future' };
  if (result.data.exp - result.data.iat > CONTEXT_TTL_SECONDS) return { ok: false, reason: 'signed context lives too long' };
  return { ok: true, context: result.data };
}

export const isAdmin = (c: Caller): boolean => c.kind === 'user' && c.roles.includes('admin');
export const isService = (c: Caller, name?: string): boolean => c.kind === 'service' && (name === undefined || c.service === name);
/** The signed-in user's id, or undefined for guests, partners and services. */
export const userId = (c: Caller): string | undefined => (c.kind === 'user' ? c.sub : undefined);
