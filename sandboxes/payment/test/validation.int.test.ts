import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '@shop/payment-sandbox';
import { apiClient, newReference, startTestSandbox, type ApiClient } from './helpers.js';

let sandbox: RunningSandbox;
let production: RunningSandbox;
let api: ApiClient;
/** Production refuses every key committed to the repository: a fresh one. */
const PRODUCTION_API_KEY = randomBytes(24).toString('base64url');

beforeAll(async () => {
  // No PSP_WEBHOOK_URL here: a payment must name its webhookUrl.
  sandbox = await startTestSandbox();
  production = await startTestSandbox({
    NODE_ENV: 'production',
    PSP_API_KEY: PRODUCTION_API_KEY,
    PSP_WEBHOOK_SECRET: randomBytes(24).toString('base64url'),
  });
  api = apiClient(sandbox.url);
});

afterAll(async () => {
  await sandbox?.close();
  await production?.close();
});

const valid = () => ({
  amount: 1000,
  currency: 'EUR',
  token: 'tok_visa',
  reference: newReference('bad'),
  webhookUrl: 'http://127.0.0.1:9/hooks',
});

describe('bad input is refused with a clear error and charges nothing', () => {
  it.each([
    ['a negative amount', { amount: -100 }, 'amount', /greater than 0/],
    ['a zero amount', { amount: 0 }, 'amount', /greater than 0/],
    ['a fractional amount', { amount: 10.5 }, 'amount', /integer number of minor units/],
    ['an amount as a string', { amount: '1000' }, 'amount', /integer number of minor units/],
    ['an absurd amount', { amount: 1e12 }, 'amount', /at most/],
    ['a missing amount', { amount: undefined }, 'amount', /is required/],
    ['a lower-case currency', { currency: 'eur' }, 'currency', /ISO 4217/],
    ['an empty reference', { reference: '' }, 'reference', /must not be empty/],
    ['an unknown field', { amuont: 5 }, '', /Unrecognized key/],
    ['a webhook URL that is not http', { webhookUrl: 'file:///etc/passwd' }, 'webhookUrl', /./],
  ])('%s → 400 invalid_request', async (_name, patch, param, message) => {
    const base = valid();
    const body = { ...base, ...patch };
    const res = await api.createPayment(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(message);
    if (param) expect(res.body.error.param).toBe(param);
    expect((await api.charges(base.reference)).body.charges).toBe(0);
  });

  it('an unknown token → 400 invalid_token, listing the test tokens', async () => {
    const body = { ...valid(), token: 'tok_mastercard' };
    const res = await api.createPayment(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_token', param: 'token', message: expect.stringContaining('tok_visa') });
    expect((await api.charges(body.reference)).body.charges).toBe(0);
  });

  it('no webhook URL anywhere → 400', async () => {
    const { webhookUrl: _omit, ...body } = valid();
    const res = await api.createPayment(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request', param: 'webhookUrl' });
  });

  it('a missing or malformed Idempotency-Key → 400', async () => {
    const body = valid();
    const missing = await api.createPayment(body, null);
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('idempotency_key_missing');
    const spaced = await api.call('POST', '/v1/payments', { body, key: 'has a space' });
    expect(spaced.body.error.code).toBe('invalid_idempotency_key');
    expect((await api.charges(body.reference)).body.charges).toBe(0);
  });

  it('a body that is not JSON, or not an object → 400', async () => {
    const broken = await api.call('POST', '/v1/payments', { raw: '{"amount": ', key: randomUUID() });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');
    const array = await api.call('POST', '/v1/payments', { body: [valid()], key: randomUUID() });
    expect(array.status).toBe(400);
    expect(array.body.error.code).toBe('invalid_request');
    const text = await api.call('POST', '/v1/payments', { raw: 'amount=1', key: randomUUID(), headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(400);
  });

  it('a wrong or missing API key → 401, before anything else', async () => {
    const body = valid();
    for (const apiKey of ['not-the-key', null]) {
      const res = await api.call('POST', '/v1/payments', { body, key: randomUUID(), apiKey });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
      expect((await api.call('GET', '/v1/payments/pay_x', { apiKey })).status).toBe(401);
      expect((await api.call('GET', `/v1/test/charges?reference=${body.reference}`, { apiKey })).status).toBe(401);
    }
    expect((await api.charges(body.reference)).body.charges).toBe(0);
  });

  it('an unknown payment or route → 404 not_found', async () => {
    const res = await api.getPayment('pay_000000000000000000000000');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect((await api.call('GET', '/v1/nothing-here')).body.error.code).toBe('not_found');
  });
});

describe('the process surface', () => {
  it('answers /healthz and /readyz without an API key', async () => {
    expect(await (await fetch(`${sandbox.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${sandbox.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('has no test routes in production', async () => {
    const prod = apiClient(production.url, PRODUCTION_API_KEY);
    expect((await prod.charges('anything')).status).toBe(404);
    expect((await prod.call('POST', '/v1/test/webhooks/evt_1/resend')).status).toBe(404);
    expect((await api.charges('anything')).status).toBe(200);
  });
});
