import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@shop/kit';
import { HttpPaymentProvider } from './provider.js';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A fake provider answering with `answers` in turn; records the idempotency keys it saw. */
async function fake(answers: [number, unknown][]) {
  const seen: { key: string | undefined; at: number; method?: string; path?: string; auth?: string }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({
      key: req.headers['idempotency-key'] as string | undefined,
      at: Date.now(),
      method: req.method,
      path: req.url,
      auth: req.headers.authorization,
    });
    const [status, body] = answers[Math.min(seen.length - 1, answers.length - 1)]!;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const provider = (url: string, maxAttempts = 3) =>
  new HttpPaymentProvider({
    url,
    apiKey: 'k'.repeat(20),
    timeoutMs: 2_000,
    maxAttempts,
    retryBaseMs: 30,
    log: createLogger('t', 'silent'),
  });
const request = {
  idempotencyKey: 'key-1',
  amount: 100,
  currency: 'USD',
  token: 'tok_visa',
  reference: 'r',
  orderId: 'o',
  webhookUrl: 'http://x/',
};
const busy: [number, unknown] = [503, { error: { code: 'processing_error', message: 'try again' } }];

describe('HttpPaymentProvider', () => {
  it('retries a 503 with the same Idempotency-Key after a growing delay, then returns the answer', async () => {
    const psp = await fake([busy, busy, [201, { id: 'pay_1', status: 'processing' }]]);
    const out = await provider(psp.url).createPayment(request);
    expect(out).toEqual({ ok: true, value: { id: 'pay_1', status: 'processing' } });
    expect(psp.seen.map((s) => s.key)).toEqual(['key-1', 'key-1', 'key-1']);
    const [a, b, c] = psp.seen.map((s) => s.at);
    expect(b! - a!).toBeGreaterThanOrEqual(25);
    expect(c! - b!).toBeGreaterThanOrEqual(55);
  });

  it('gives up after the bounded attempts as unavailable', async () => {
    const psp = await fake([busy]);
    expect(await provider(psp.url, 2).createPayment(request)).toMatchObject({ ok: false, kind: 'unavailable' });
    expect(psp.seen).toHaveLength(2);
  });

  it('does not retry a refusal; an invalid token is reported as such', async () => {
    const psp = await fake([[400, { error: { code: 'invalid_token', message: 'unknown token' } }]]);
    expect(await provider(psp.url).createPayment(request)).toMatchObject({ ok: false, kind: 'invalid_token' });
    expect(psp.seen).toHaveLength(1);
  });

  it('treats an unreachable provider as transient and reports it unavailable', async () => {
    const psp = await fake([busy]);
    await new Promise((r) => servers.pop()!.close(r));
    expect(await provider(psp.url, 2).createPayment(request)).toMatchObject({ ok: false, kind: 'unavailable' });
  });

  it('reads a payment back with an authenticated GET (no Idempotency-Key), retrying a 503', async () => {
    const psp = await fake([busy, [200, { id: 'pay_1', status: 'succeeded' }]]);
    expect(await provider(psp.url).getPayment('pay_1')).toEqual({ ok: true, value: { id: 'pay_1', status: 'succeeded' } });
    expect(psp.seen.map(({ method, path, key, auth }) => ({ method, path, key, auth }))).toEqual(
      Array(2).fill({ method: 'GET', path: '/v1/payments/pay_1', key: undefined, auth: `Bearer ${'k'.repeat(20)}` }),
    );
  });
});
