import { describe, expect, it } from 'vitest';
import { IdempotencyStore, canonicalJson, requestFingerprint } from './idempotency.js';

describe('request fingerprints', () => {
  it('ignores key order and whitespace but not values', () => {
    const a = requestFingerprint('POST', '/v1/payments', { amount: 100, currency: 'EUR', metadata: { a: '1', b: '2' } });
    const b = requestFingerprint('post', '/v1/payments', JSON.parse('{ "metadata": {"b":"2","a":"1"}, "currency":"EUR", "amount":100 }'));
    expect(a).toBe(b);
    expect(requestFingerprint('POST', '/v1/payments', { amount: 101, currency: 'EUR', metadata: { a: '1', b: '2' } })).not.toBe(a);
  });

  it('tells paths apart, so one key on another payment is another request', () => {
    expect(requestFingerprint('POST', '/v1/payments/pay_1/refunds', {})).not.toBe(
      requestFingerprint('POST', '/v1/payments/pay_2/refunds', {}),
    );
  });

  it('writes canonical JSON', () => {
    expect(canonicalJson({ b: [2, { d: null, c: 'x' }], a: true, u: undefined })).toBe('{"a":true,"b":[2,{"c":"x","d":null}]}');
  });
});

describe('IdempotencyStore', () => {
  it('replays the stored response for the same request and refuses another request', () => {
    const store = new IdempotencyStore();
    expect(store.lookup('k1', 'f1')).toEqual({ kind: 'new' });
    const body = { id: 'pay_1', status: 'processing' };
    store.save('k1', 'f1', { status: 201, body });
    body.status = 'succeeded'; // a later change must not alter what was stored
    expect(store.lookup('k1', 'f1')).toEqual({ kind: 'replay', response: { status: 201, body: { id: 'pay_1', status: 'processing' } } });
    expect(store.lookup('k1', 'f2')).toEqual({ kind: 'conflict' });
    expect(store.lookup('k2', 'f1')).toEqual({ kind: 'new' });
  });
});
