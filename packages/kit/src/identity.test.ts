import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  acceptContext,
  CLOCK_SKEW_SECONDS,
  CONTEXT_TTL_SECONDS,
  ReplayGuard,
  signContext,
  verifyContext,
  type Caller,
  type SignedContext,
} from './identity.js';

const SECRET = 'unit-test-signing-secret-0123';
const ADMIN: Caller = { kind: 'user', sub: 'ada', roles: ['admin'] };

describe('signed context', () => {
  it('round-trips the caller and request id', () => {
    const header = signContext(SECRET, ADMIN, 'req-1');
    expect(verifyContext(SECRET, header)).toMatchObject({ ok: true, context: { caller: ADMIN, requestId: 'req-1' } });
  });

  it('refuses another secret, a tampered payload and garbage', () => {
    const header = signContext(SECRET, { kind: 'user', sub: 'carl', roles: ['customer'] });
    expect(verifyContext('another-secret-entirely', header)).toEqual({ ok: false, reason: 'bad signature' });
    const [payload, mac] = header.split('.');
    const forged = Buffer.from(Buffer.from(payload!, 'base64url').toString().replace('customer', 'admin')).toString('base64url');
    expect(verifyContext(SECRET, `${forged}.${mac}`)).toEqual({ ok: false, reason: 'bad signature' });
    expect(verifyContext(SECRET, undefined)).toEqual({ ok: false, reason: 'missing signed context' });
    expect(verifyContext(SECRET, 'nodot')).toEqual({ ok: false, reason: 'malformed signed context' });
    expect(verifyContext(SECRET, 'x'.repeat(5000))).toEqual({ ok: false, reason: 'signed context too large' });
  });

  it('expires after the TTL, so a captured header cannot be replayed later', () => {
    const issued = Date.parse('2026-11-25T12:00:00Z');
    const header = signContext(SECRET, ADMIN, 'r', issued);
    expect(verifyContext(SECRET, header, issued + (CONTEXT_TTL_SECONDS - 1) * 1000).ok).toBe(true);
    expect(verifyContext(SECRET, header, issued + (CONTEXT_TTL_SECONDS + 1) * 1000)).toEqual({
      ok: false,
      reason: 'signed context expired',
    });
    expect(verifyContext(SECRET, header, issued - 60_000)).toEqual({ ok: false, reason: 'signed context from the future' });
  });

  it('refuses a well-signed payload of the wrong shape', () => {
    const header = signContext(SECRET, { kind: 'user', sub: '', roles: ['root' as 'admin'] });
    expect(verifyContext(SECRET, header)).toEqual({ ok: false, reason: 'malformed signed context' });
  });
});

describe('nonce', () => {
  it('gives every signature its own random nonce, signed with the rest', () => {
    const headers = Array.from({ length: 200 }, () => signContext(SECRET, ADMIN, 'same-request', Date.parse('2026-11-25T12:00:00Z')));
    const nonces = headers.map((h) => {
      const verified = verifyContext(SECRET, h, Date.parse('2026-11-25T12:00:01Z'));
      if (!verified.ok) throw new Error(verified.reason);
      return verified.context.n;
    });
    expect(new Set(headers).size).toBe(200);
    expect(new Set(nonces).size).toBe(200);
    for (const n of nonces) expect(n).toMatch(/^[A-Za-z0-9_-]{22}$/); // 16 bytes, base64url
  });

  it('refuses a context whose nonce was removed or swapped, even re-signed without one', () => {
    const header = signContext(SECRET, ADMIN);
    const [payload, mac] = header.split('.');
    const envelope = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const swapped = Buffer.from(JSON.stringify({ ...envelope, n: 'A'.repeat(22) })).toString('base64url');
    expect(verifyContext(SECRET, `${swapped}.${mac}`)).toEqual({ ok: false, reason: 'bad signature' });
    // A well-signed envelope without a nonce (an old signer) is not accepted either.
    const { n: _n, ...bare } = envelope;
    const bareHeader = Buffer.from(JSON.stringify(bare)).toString('base64url');
    const bareMac = createHmac('sha256', SECRET).update(bareHeader).digest('base64url');
    expect(verifyContext(SECRET, `${bareHeader}.${bareMac}`)).toEqual({ ok: false, reason: 'malformed signed context' });
  });

  it('verifying does not consume: the same header verifies again', () => {
    const header = signContext(SECRET, ADMIN);
    expect(verifyContext(SECRET, header).ok).toBe(true);
    expect(verifyContext(SECRET, header).ok).toBe(true);
  });
});

const T0 = Date.parse('2026-11-25T12:00:00Z');
const contextOf = (header: string, now = T0): SignedContext => {
  const verified = verifyContext(SECRET, header, now);
  if (!verified.ok) throw new Error(verified.reason);
  return verified.context;
};

describe('ReplayGuard', () => {
  it('accepts a signed context once and refuses it after, through acceptContext too', () => {
    const guard = new ReplayGuard();
    const header = signContext(SECRET, ADMIN, 'r', T0);
    expect(acceptContext(SECRET, header, guard, T0)).toMatchObject({ ok: true, context: { caller: ADMIN, requestId: 'r' } });
    expect(acceptContext(SECRET, header, guard, T0 + 1000)).toEqual({ ok: false, reason: 'signed context already used' });
    expect(guard.tryClaim(contextOf(header), T0 + 2000)).toBe('replayed');
    expect(guard.size).toBe(1);
  });

  it('refuses a context signed for another service without claiming it, and accepts one for itself', () => {
    const guard = new ReplayGuard();
    const forProduct = signContext(SECRET, ADMIN, 'r', T0, 'product');
    expect(contextOf(forProduct).aud).toBe('product');
    expect(acceptContext(SECRET, forProduct, guard, T0, 'cart')).toEqual({ ok: false, reason: 'signed context meant for another service' });
    expect(guard.size).toBe(0);
    expect(acceptContext(SECRET, forProduct, guard, T0, 'product').ok).toBe(true);
    // Signers that do not know their target (older callers, tests) sign without an audience.
    expect(acceptContext(SECRET, signContext(SECRET, ADMIN, 'r', T0), guard, T0, 'cart').ok).toBe(true);
  });

  it('accepts distinct signatures of the same caller and request id', () => {
    const guard = new ReplayGuard();
    for (let i = 0; i < 50; i++) expect(guard.tryClaim(contextOf(signContext(SECRET, ADMIN, 'same', T0)), T0)).toBe('claimed');
    expect(guard.size).toBe(50);
  });

  it('claims nothing for a context that fails verification', () => {
    const guard = new ReplayGuard();
    const header = signContext(SECRET, ADMIN, 'r', T0);
    expect(acceptContext('another-secret-entirely', header, guard, T0)).toEqual({ ok: false, reason: 'bad signature' });
    expect(acceptContext(SECRET, undefined, guard, T0)).toEqual({ ok: false, reason: 'missing signed context' });
    expect(guard.size).toBe(0);
    expect(acceptContext(SECRET, header, guard, T0).ok).toBe(true);
  });

  it('keeps a nonce until exp + skew, then prunes it, while the expired header stays refused', () => {
    const guard = new ReplayGuard();
    const early = contextOf(signContext(SECRET, ADMIN, 'early', T0));
    const later = contextOf(signContext(SECRET, ADMIN, 'later', T0 + 10_000), T0 + 10_000);
    expect(guard.tryClaim(early, T0)).toBe('claimed');
    expect(guard.tryClaim(later, T0 + 10_000)).toBe('claimed');
    const lastHeld = T0 + (CONTEXT_TTL_SECONDS + CLOCK_SKEW_SECONDS) * 1000;
    expect(guard.tryClaim(early, lastHeld)).toBe('replayed');
    expect(guard.size).toBe(2);
    // One second later the early nonce is gone; the later one (10 s younger) is still held.
    expect(guard.tryClaim(early, lastHeld + 1000)).toBe('out-of-window');
    expect(guard.size).toBe(1);
    expect(guard.tryClaim(later, lastHeld + 1000)).toBe('replayed');
    expect(guard.tryClaim(later, lastHeld + 11_000)).toBe('out-of-window');
    expect(guard.size).toBe(0);
  });

  it('never accepts a context it could not remember for its whole life', () => {
    const guard = new ReplayGuard();
    const stale = contextOf(signContext(SECRET, ADMIN, 'r', T0));
    expect(guard.tryClaim(stale, T0 + 60_000)).toBe('out-of-window');
    expect(guard.tryClaim({ n: 'x'.repeat(22), exp: Math.floor(T0 / 1000) + 3600 }, T0)).toBe('out-of-window');
    expect(guard.size).toBe(0);
  });

  it('refuses new contexts when full rather than forgetting live nonces, and recovers as they expire', () => {
    const guard = new ReplayGuard({ maxEntries: 3 });
    const held = [1, 2, 3].map((i) => contextOf(signContext(SECRET, ADMIN, `r${i}`, T0)));
    for (const ctx of held) expect(guard.tryClaim(ctx, T0)).toBe('claimed');
    const fourth = signContext(SECRET, ADMIN, 'r4', T0 + 1000);
    expect(acceptContext(SECRET, fourth, guard, T0 + 1000)).toEqual({ ok: false, reason: 'too many signed contexts in flight' });
    expect(guard.size).toBe(3);
    for (const ctx of held) expect(guard.tryClaim(ctx, T0 + 1000)).toBe('replayed');
    // Once the held nonces are past exp + skew they are pruned and a new context fits again.
    const afterExpiry = T0 + (CONTEXT_TTL_SECONDS + CLOCK_SKEW_SECONDS + 1) * 1000;
    expect(acceptContext(SECRET, signContext(SECRET, ADMIN, 'r5', afterExpiry), guard, afterExpiry).ok).toBe(true);
    expect(guard.size).toBe(1);
  });

  it('rejects a cap that is not a positive integer', () => {
    expect(() => new ReplayGuard({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new ReplayGuard({ maxEntries: 1.5 })).toThrow(RangeError);
  });
});
