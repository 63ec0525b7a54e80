import { describe, expect, it } from 'vitest';
import { CONTEXT_TTL_SECONDS, signContext, verifyContext, type Caller } from './identity.js';

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
