import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_NUMBERS, type RunningSandbox } from '@shop/sms-sandbox';
import { apiClient, startTestSandbox } from './helpers.js';

let sms: RunningSandbox;
let call: ReturnType<typeof apiClient>;

beforeAll(async () => {
  sms = await startTestSandbox();
  call = apiClient(sms.url);
});
afterAll(async () => {
  await sms?.close();
});

const send = (body: Record<string, unknown>) => call('POST', '/v1/messages', body);
const ref = () => `test-${randomUUID()}`;

describe('POST /v1/messages', () => {
  it('sends an SMS, and the same clientReference answers the same message without sending again', async () => {
    const clientReference = ref();
    const first = await send({ to: '+4915112345678', body: 'Your order SO-2026-000001', clientReference });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ to: '+4915112345678', clientReference, status: 'sent' });
    expect(first.body.id).toMatch(/^sms_/);

    const again = await send({ to: '+4915112345678', body: 'Your order SO-2026-000001', clientReference });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);

    const listed = await call('GET', `/v1/test/messages?clientReference=${clientReference}`);
    expect(listed.body.messages).toHaveLength(1);
    expect(listed.body.messages[0].requests).toBe(2);
    expect((await call('GET', `/v1/messages/${first.body.id}`)).body.body).toBe('Your order SO-2026-000001');
  });

  it('sends one message for concurrent requests with one reference', async () => {
    const clientReference = ref();
    const answers = await Promise.all(Array.from({ length: 10 }, () => send({ to: '+4915112345678', body: 'x', clientReference })));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect((await call('GET', `/v1/test/messages?clientReference=${clientReference}`)).body.messages).toHaveLength(1);
  });

  it.each([
    [{ to: '004915112345678', body: 'x' }, 'to'],
    [{ to: '+4915112345678', body: '' }, 'body'],
    [{ to: '+4915112345678', body: 'x', clientReference: 'has space' }, 'clientReference'],
    [{ to: '+4915112345678', body: 'x', extra: 1 }, undefined],
  ])('refuses %j with 400 invalid_request', async (fields, param) => {
    const res = await send({ clientReference: ref(), ...fields });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    if (param) expect(res.body.error.param).toBe(param);
  });

  it('refuses a reused reference with other content (422), an undeliverable number (422) and answers 503 once for the flaky number', async () => {
    const clientReference = ref();
    await send({ to: '+4915112345678', body: 'a', clientReference });
    expect((await send({ to: '+4915112345678', body: 'b', clientReference })).body.error.code).toBe('client_reference_reused');
    const undeliverable = await send({ to: TEST_NUMBERS.undeliverable, body: 'a', clientReference: ref() });
    expect([undeliverable.status, undeliverable.body.error.code]).toEqual([422, 'undeliverable']);
    const flakyRef = ref();
    const flaky = await send({ to: TEST_NUMBERS.flaky, body: 'a', clientReference: flakyRef });
    expect([flaky.status, flaky.body.error.code]).toEqual([503, 'provider_unavailable']);
    expect((await send({ to: TEST_NUMBERS.flaky, body: 'a', clientReference: flakyRef })).status).toBe(201);
  });

  it('needs the API key (health does not), and answers bad JSON and unknown routes', async () => {
    const anonymous = apiClient(sms.url, null);
    expect((await anonymous('POST', '/v1/messages', { to: '+1555', body: 'x', clientReference: ref() })).status).toBe(401);
    expect((await apiClient(sms.url, 'wrong-key-wrong-key')('GET', '/v1/test/messages')).status).toBe(401);
    expect((await anonymous('GET', '/healthz')).status).toBe(200);
    expect((await anonymous('GET', '/readyz')).status).toBe(200);
    expect((await call('POST', '/v1/messages', undefined, '{nope')).body.error.code).toBe('invalid_json');
    expect((await call('GET', '/v1/nothing')).status).toBe(404);
  });

  it('has no test routes in production', async () => {
    const key = randomBytes(24).toString('base64url'); // production refuses every committed key
    const prod = await startTestSandbox({ NODE_ENV: 'production', SMS_API_KEY: key });
    try {
      const res = await apiClient(prod.url, key)('GET', '/v1/test/messages');
      expect(res.status).toBe(404);
    } finally {
      await prod.close();
    }
  });
});
