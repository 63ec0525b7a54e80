import { sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  acceptContext,
  CLOCK_SKEW_SECONDS,
  CONTEXT_TTL_SECONDS,
  maySign,
  mayUseOwned,
  ReplayGuard,
  signContext,
  verifyContext,
  type Caller,
  type SignedContext,
} from './identity.js';
import { generateSigner, signerKeysOf, type Signer } from './signing-keys.js';

const GATEWAY = generateSigner('gateway');
const RENDERER = generateSigner('invoice-renderer');
const ORDER = generateSigner('order');
/** What a subgraph trusts: these three signers' public keys. */
const KEYS = signerKeysOf([GATEWAY, RENDERER, ORDER]);
const ADMIN: Caller = { kind: 'user', sub: 'ada', roles: ['admin'] };

/** Signs `envelope` as it stands (no checks, any shape): what a holder of `signer`'s key could send. */
const signRaw = (signer: Signer, envelope: unknown, prefix = signer.name) => {
  const signed = `${prefix}.${Buffer.from(JSON.stringify(envelope)).toString('base64url')}`;
  return `${signed}.${sign(null, Buffer.from(signed), signer.key).toString('base64url')}`;
};
const envelopeOf = (header: string) => JSON.parse(Buffer.from(header.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('signed context', () => {
  it('round-trips the caller and request id', () => {
    const header = signContext(GATEWAY, ADMIN, 'req-1');
    expect(verifyContext(KEYS, header)).toMatchObject({ ok: true, context: { caller: ADMIN, requestId: 'req-1' } });
  });

  it('refuses another key under a trusted name, a tampered payload and garbage', () => {
    const header = signContext(GATEWAY, { kind: 'user', sub: 'carl', roles: ['customer'] });
    expect(verifyContext(KEYS, signContext(generateSigner('gateway'), ADMIN))).toEqual({ ok: false, reason: 'bad signature' });
    const [iss, payload, sig] = header.split('.');
    const forged = Buffer.from(Buffer.from(payload!, 'base64url').toString().replace('customer', 'admin')).toString('base64url');
    expect(verifyContext(KEYS, `${iss}.${forged}.${sig}`)).toEqual({ ok: false, reason: 'bad signature' });
    expect(verifyContext(KEYS, `${iss}.${payload}.${sig}.x`)).toEqual({ ok: false, reason: 'malformed signed context' });
    expect(verifyContext(KEYS, undefined)).toEqual({ ok: false, reason: 'missing signed context' });
    expect(verifyContext(KEYS, 'nodot')).toEqual({ ok: false, reason: 'malformed signed context' });
    expect(verifyContext(KEYS, 'x'.repeat(5000))).toEqual({ ok: false, reason: 'signed context too large' });
  });

  it('expires after the TTL, so a captured header cannot be replayed later', () => {
    const issued = Date.parse('2026-11-25T12:00:00Z');
    const header = signContext(GATEWAY, ADMIN, 'r', issued);
    expect(verifyContext(KEYS, header, issued + (CONTEXT_TTL_SECONDS - 1) * 1000).ok).toBe(true);
    expect(verifyContext(KEYS, header, issued + (CONTEXT_TTL_SECONDS + 1) * 1000)).toEqual({
      ok: false,
      reason: 'signed context expired',
    });
    expect(verifyContext(KEYS, header, issued - 60_000)).toEqual({ ok: false, reason: 'signed context from the future' });
  });

  it('refuses a well-signed payload of the wrong shape', () => {
    const header = signContext(GATEWAY, { kind: 'user', sub: '', roles: ['root' as 'admin'] });
    expect(verifyContext(KEYS, header)).toEqual({ ok: false, reason: 'malformed signed context' });
  });
});

describe('signers and their rights', () => {
  const CUSTOMER: Caller = { kind: 'user', sub: 'carl', roles: ['customer'] };
  const refused = (reason: string) => ({ ok: false, reason });

  it('lets the gateway sign guests, users, partners and itself', () => {
    for (const caller of [
      { kind: 'guest' },
      ADMIN,
      CUSTOMER,
      { kind: 'partner', partnerId: 'acme' },
      { kind: 'service', service: 'gateway' },
    ] as Caller[]) {
      expect(verifyContext(KEYS, signContext(GATEWAY, caller))).toMatchObject({ ok: true, context: { iss: 'gateway', caller } });
    }
  });

  it("refuses a service's key signing an admin, a customer, a guest or another service", () => {
    for (const caller of [
      ADMIN,
      CUSTOMER,
      { kind: 'guest' },
      { kind: 'service', service: 'order' },
      { kind: 'service', service: 'gateway' },
    ] as Caller[]) {
      expect(verifyContext(KEYS, signContext(RENDERER, caller))).toEqual(refused('signer invoice-renderer may not sign this caller'));
    }
    expect(verifyContext(KEYS, signContext(ORDER, { kind: 'service', service: 'payment' }))).toEqual(
      refused('signer order may not sign this caller'),
    );
  });

  it('lets a service sign only itself', () => {
    expect(verifyContext(KEYS, signContext(RENDERER, { kind: 'service', service: 'invoice-renderer' }))).toMatchObject({ ok: true });
    expect(verifyContext(KEYS, signContext(ORDER, { kind: 'service', service: 'order' }))).toMatchObject({ ok: true });
  });

  it('accepts either key of a signer being rotated', () => {
    const next = generateSigner('gateway');
    const rotating = signerKeysOf([GATEWAY, next]);
    expect(verifyContext(rotating, signContext(GATEWAY, ADMIN)).ok).toBe(true);
    expect(verifyContext(rotating, signContext(next, ADMIN)).ok).toBe(true);
    expect(verifyContext(KEYS, signContext(next, ADMIN))).toEqual(refused('bad signature'));
  });

  it('refuses an unknown signer, and a signer the verifier does not trust', () => {
    expect(verifyContext(KEYS, signContext(generateSigner('stranger'), { kind: 'service', service: 'stranger' }))).toEqual(
      refused('unknown signer'),
    );
    const productOnly = signerKeysOf([ORDER]);
    expect(verifyContext(productOnly, signContext(GATEWAY, ADMIN))).toEqual(refused('unknown signer'));
  });

  it("refuses a service's signature relabelled as the gateway's, and an envelope naming another signer", () => {
    const [, payload, sig] = signContext(RENDERER, { kind: 'service', service: 'invoice-renderer' }).split('.');
    expect(verifyContext(KEYS, `gateway.${payload}.${sig}`)).toEqual(refused('bad signature'));
    const claimsGateway = { ...envelopeOf(signContext(RENDERER, ADMIN)), iss: 'gateway' };
    expect(verifyContext(KEYS, signRaw(RENDERER, claimsGateway))).toEqual(refused('malformed signed context'));
  });

  it('states the rights table', () => {
    expect(maySign('gateway', ADMIN)).toBe(true);
    expect(maySign('gateway', { kind: 'service', service: 'order' })).toBe(false);
    expect(maySign('order', { kind: 'service', service: 'order' })).toBe(true);
    expect(maySign('order', { kind: 'partner', partnerId: 'acme' })).toBe(false);
  });
});

describe('nonce', () => {
  it('gives every signature its own random nonce, signed with the rest', () => {
    const headers = Array.from({ length: 200 }, () => signContext(GATEWAY, ADMIN, 'same-request', Date.parse('2026-11-25T12:00:00Z')));
    const nonces = headers.map((h) => {
      const verified = verifyContext(KEYS, h, Date.parse('2026-11-25T12:00:01Z'));
      if (!verified.ok) throw new Error(verified.reason);
      return verified.context.n;
    });
    expect(new Set(headers).size).toBe(200);
    expect(new Set(nonces).size).toBe(200);
    for (const n of nonces) expect(n).toMatch(/^[A-Za-z0-9_-]{22}$/); // 16 bytes, base64url
  });

  it('refuses a context whose nonce was removed or swapped, even re-signed without one', () => {
    const header = signContext(GATEWAY, ADMIN);
    const [iss, , sig] = header.split('.');
    const envelope = envelopeOf(header);
    const swapped = Buffer.from(JSON.stringify({ ...envelope, n: 'A'.repeat(22) })).toString('base64url');
    expect(verifyContext(KEYS, `${iss}.${swapped}.${sig}`)).toEqual({ ok: false, reason: 'bad signature' });
    // A well-signed envelope without a nonce (an old signer) is not accepted either.
    const { n: _n, ...bare } = envelope;
    expect(verifyContext(KEYS, signRaw(GATEWAY, bare))).toEqual({ ok: false, reason: 'malformed signed context' });
  });

  it('verifying does not consume: the same header verifies again', () => {
    const header = signContext(GATEWAY, ADMIN);
    expect(verifyContext(KEYS, header).ok).toBe(true);
    expect(verifyContext(KEYS, header).ok).toBe(true);
  });
});

const T0 = Date.parse('2026-11-25T12:00:00Z');
const contextOf = (header: string, now = T0): SignedContext => {
  const verified = verifyContext(KEYS, header, now);
  if (!verified.ok) throw new Error(verified.reason);
  return verified.context;
};

describe('ReplayGuard', () => {
  it('accepts a signed context once and refuses it after, through acceptContext too', () => {
    const guard = new ReplayGuard();
    const header = signContext(GATEWAY, ADMIN, 'r', T0);
    expect(acceptContext(KEYS, header, guard, T0)).toMatchObject({ ok: true, context: { caller: ADMIN, requestId: 'r' } });
    expect(acceptContext(KEYS, header, guard, T0 + 1000)).toEqual({ ok: false, reason: 'signed context already used' });
    expect(guard.tryClaim(contextOf(header), T0 + 2000)).toBe('replayed');
    expect(guard.size).toBe(1);
  });

  it('refuses a context signed for another service without claiming it, and accepts one for itself', () => {
    const guard = new ReplayGuard();
    const forProduct = signContext(GATEWAY, ADMIN, 'r', T0, 'product');
    expect(contextOf(forProduct).aud).toBe('product');
    expect(acceptContext(KEYS, forProduct, guard, T0, 'cart')).toEqual({ ok: false, reason: 'signed context meant for another service' });
    expect(guard.size).toBe(0);
    expect(acceptContext(KEYS, forProduct, guard, T0, 'product').ok).toBe(true);
    // Signers that do not know their target (older callers, tests) sign without an audience.
    expect(acceptContext(KEYS, signContext(GATEWAY, ADMIN, 'r', T0), guard, T0, 'cart').ok).toBe(true);
  });

  it('accepts distinct signatures of the same caller and request id', () => {
    const guard = new ReplayGuard();
    for (let i = 0; i < 50; i++) expect(guard.tryClaim(contextOf(signContext(GATEWAY, ADMIN, 'same', T0)), T0)).toBe('claimed');
    expect(guard.size).toBe(50);
  });

  it('claims nothing for a context that fails verification', () => {
    const guard = new ReplayGuard();
    const header = signContext(GATEWAY, ADMIN, 'r', T0);
    expect(acceptContext(signerKeysOf([generateSigner('gateway')]), header, guard, T0)).toEqual({ ok: false, reason: 'bad signature' });
    expect(acceptContext(KEYS, undefined, guard, T0)).toEqual({ ok: false, reason: 'missing signed context' });
    expect(guard.size).toBe(0);
    expect(acceptContext(KEYS, header, guard, T0).ok).toBe(true);
  });

  it('keeps a nonce until exp + skew, then prunes it, while the expired header stays refused', () => {
    const guard = new ReplayGuard();
    const early = contextOf(signContext(GATEWAY, ADMIN, 'early', T0));
    const later = contextOf(signContext(GATEWAY, ADMIN, 'later', T0 + 10_000), T0 + 10_000);
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
    const stale = contextOf(signContext(GATEWAY, ADMIN, 'r', T0));
    expect(guard.tryClaim(stale, T0 + 60_000)).toBe('out-of-window');
    expect(guard.tryClaim({ n: 'x'.repeat(22), exp: Math.floor(T0 / 1000) + 3600 }, T0)).toBe('out-of-window');
    expect(guard.size).toBe(0);
  });

  it('refuses new contexts when full rather than forgetting live nonces, and recovers as they expire', () => {
    const guard = new ReplayGuard({ maxEntries: 3 });
    const held = [1, 2, 3].map((i) => contextOf(signContext(GATEWAY, ADMIN, `r${i}`, T0)));
    for (const ctx of held) expect(guard.tryClaim(ctx, T0)).toBe('claimed');
    const fourth = signContext(GATEWAY, ADMIN, 'r4', T0 + 1000);
    expect(acceptContext(KEYS, fourth, guard, T0 + 1000)).toEqual({ ok: false, reason: 'too many signed contexts in flight' });
    expect(guard.size).toBe(3);
    for (const ctx of held) expect(guard.tryClaim(ctx, T0 + 1000)).toBe('replayed');
    // Once the held nonces are past exp + skew they are pruned and a new context fits again.
    const afterExpiry = T0 + (CONTEXT_TTL_SECONDS + CLOCK_SKEW_SECONDS + 1) * 1000;
    expect(acceptContext(KEYS, signContext(GATEWAY, ADMIN, 'r5', afterExpiry), guard, afterExpiry).ok).toBe(true);
    expect(guard.size).toBe(1);
  });

  it('rejects a cap that is not a positive integer', () => {
    expect(() => new ReplayGuard({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new ReplayGuard({ maxEntries: 1.5 })).toThrow(RangeError);
  });
});

describe('mayUseOwned: the ownership rule of carts, orders, payments and invoices', () => {
  const alice: Caller = { kind: 'user', sub: 'alice', roles: ['customer'] };
  const bob: Caller = { kind: 'user', sub: 'bob', roles: ['customer'] };
  const admin: Caller = { kind: 'user', sub: 'root', roles: ['admin'] };
  const guest: Caller = { kind: 'guest' };
  const partner: Caller = { kind: 'partner', partnerId: 'acme' };
  const service: Caller = { kind: 'service', service: 'order' };

  it("a guest's is anyone's who holds the id, people only", () => {
    expect([alice, guest, admin, partner, service].map((c) => mayUseOwned(c, null))).toEqual([true, true, true, false, false]);
  });

  it("a customer's is that customer's and the admins'", () => {
    expect([alice, bob, guest, admin, partner, service].map((c) => mayUseOwned(c, 'alice'))).toEqual([
      true,
      false,
      false,
      true,
      false,
      false,
    ]);
  });
});
