import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhookPayload, verifyWebhookSignature } from './signature.js';

const SECRET = 'unit-test-webhook-secret-0123';
const BODY = '{"id":"evt_1","type":"payment.succeeded","created":1764072000,"data":{"payment":{"id":"pay_1"}}}';
const T = 1_764_072_000; // 2025-11-25T12:00:00Z
const NOW = T * 1000;

describe('verifyWebhookSignature', () => {
  it('accepts a valid signature and returns its timestamp', () => {
    const header = signWebhookPayload(SECRET, BODY, T);
    expect(header).toMatch(/^t=1764072000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: NOW })).toEqual({ ok: true, timestamp: T });
    expect(verifyWebhookSignature(SECRET, header, Buffer.from(BODY), { now: NOW + 299_000 })).toEqual({ ok: true, timestamp: T });
  });

  it('signs exactly "<t>.<raw body>" with HMAC-SHA256 in hex, as the README tells receivers', () => {
    const mac = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(signWebhookPayload(SECRET, BODY, T)).toBe(`t=${T},v1=${mac}`);
    expect(verifyWebhookSignature(SECRET, `t=${T}, v1=${mac}`, BODY, { now: NOW }).ok).toBe(true);
  });

  it('refuses a tampered body', () => {
    const header = signWebhookPayload(SECRET, BODY, T);
    const tampered = BODY.replace('payment.succeeded', 'payment.refunded');
    expect(verifyWebhookSignature(SECRET, header, tampered, { now: NOW })).toEqual({ ok: false, reason: 'bad signature' });
    expect(verifyWebhookSignature(SECRET, header, `${BODY} `, { now: NOW })).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('refuses a signature made with another secret', () => {
    const header = signWebhookPayload('another-secret-entirely-0123', BODY, T);
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: NOW })).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('refuses a timestamp that was re-signed into the header without the secret', () => {
    const header = signWebhookPayload(SECRET, BODY, T).replace(`t=${T}`, `t=${T + 60}`);
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: NOW + 60_000 })).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('refuses a stale delivery beyond the tolerance', () => {
    const header = signWebhookPayload(SECRET, BODY, T);
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: NOW + 301_000 })).toEqual({ ok: false, reason: 'timestamp too old' });
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: NOW + 11_000, toleranceSeconds: 10 })).toEqual({
      ok: false,
      reason: 'timestamp too old',
    });
  });

  it('refuses a timestamp from the future beyond the tolerance', () => {
    const header = signWebhookPayload(SECRET, BODY, T + 600);
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: NOW })).toEqual({ ok: false, reason: 'timestamp in the future' });
    expect(verifyWebhookSignature(SECRET, signWebhookPayload(SECRET, BODY, T + 30), BODY, { now: NOW }).ok).toBe(true);
  });

  it('accepts when any one of several v1 signatures matches (secret rotation)', () => {
    const good = signWebhookPayload(SECRET, BODY, T);
    const other = signWebhookPayload('old-secret-being-rotated-out', BODY, T).split(',')[1]!;
    expect(verifyWebhookSignature(SECRET, `${good},${other}`, BODY, { now: NOW }).ok).toBe(true);
    expect(verifyWebhookSignature(SECRET, `t=${T},${other},v0=abc`, BODY, { now: NOW }).ok).toBe(false);
  });

  it.each([
    ['missing', undefined, 'missing signature'],
    ['empty', '', 'missing signature'],
    ['without v1', `t=${T}`, 'malformed signature'],
    ['without t', `v1=${'a'.repeat(64)}`, 'malformed signature'],
    ['with a non-numeric t', `t=soon,v1=${'a'.repeat(64)}`, 'malformed signature'],
    ['with a short v1', `t=${T},v1=abcd`, 'malformed signature'],
    ['with a non-hex v1', `t=${T},v1=${'z'.repeat(64)}`, 'malformed signature'],
    ['with two timestamps', `t=${T},t=${T},v1=${'a'.repeat(64)}`, 'malformed signature'],
    ['without =', `garbage`, 'malformed signature'],
    ['huge', `t=${T},v1=${'a'.repeat(64)},${'x=1,'.repeat(400)}`, 'malformed signature'],
    ['repeated (array)', [`t=${T}`, `v1=${'a'.repeat(64)}`], 'malformed signature'],
  ])('refuses a %s header', (_name, header, reason) => {
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: NOW })).toEqual({ ok: false, reason });
  });
});
