import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createLogger } from '@shop/kit';
import { ManagedProcess, ROOT, waitFor, waitUntilReady } from '@shop/harness';
import type { WebhookEvent } from '@shop/payment/provider';
import { loadConfig, startSandbox, type RunningSandbox } from '@shop/payment-sandbox';

export const API_KEY = 'test-only-psp-api-key-0123';
export const WEBHOOK_SECRET = 'test-only-psp-webhook-secret-0123';

/** Small delays so every asynchronous path runs in milliseconds; `overrides` are env values. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    PSP_API_KEY: API_KEY,
    PSP_WEBHOOK_SECRET: WEBHOOK_SECRET,
    SANDBOX_SETTLE_DELAY_MS: '20',
    SANDBOX_WEBHOOK_DELAY_MS: '800',
    SANDBOX_WEBHOOK_RETRY_BASE_MS: '20',
    SANDBOX_WEBHOOK_RETRY_MAX_MS: '80',
    SANDBOX_WEBHOOK_TIMEOUT_MS: '2000',
    ...overrides,
  };
}

export function startTestSandbox(overrides: Record<string, string> = {}): Promise<RunningSandbox> {
  const config = loadConfig(testEnv(overrides));
  return startSandbox(config, createLogger('payment-sandbox', config.LOG_LEVEL));
}

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  event: WebhookEvent;
  /** What the receiver answered. */
  status: number;
  at: number;
}

/**
 * A webhook endpoint on 127.0.0.1:0 that records every delivery. The path picks the answer:
 * `/ok` → 200; `/flaky/<n>` → 500 for the first n deliveries of each event, then 200; `/down` → 503.
 */
export async function startReceiver() {
  const received: ReceivedWebhook[] = [];
  const seen = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const event = JSON.parse(raw) as WebhookEvent;
      const path = req.url ?? '/';
      const count = (seen.get(`${path} ${event.id}`) ?? 0) + 1;
      seen.set(`${path} ${event.id}`, count);
      const flaky = /^\/flaky\/(\d+)/.exec(path);
      const status = path.startsWith('/down') ? 503 : flaky && count <= Number(flaky[1]) ? 500 : 200;
      received.push({ path, headers: req.headers, raw, event, status, at: Date.now() });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'not now');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const forPayment = (paymentId: string, type?: string) =>
    received.filter((r) => r.event.data.payment.id === paymentId && (type === undefined || r.event.type === type));

  return {
    received,
    url: (path = '/ok') => `${base}${path}`,
    forPayment,
    /** Waits until `count` deliveries of `type` for the payment have arrived (acknowledged or not). */
    waitFor: (paymentId: string, type: string, count = 1, timeoutMs = 10_000) =>
      waitFor(
        `${count} × ${type} for ${paymentId}`,
        () => {
          const got = forPayment(paymentId, type);
          return got.length >= count ? got : undefined;
        },
        { timeoutMs, intervalMs: 10 },
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A client of the sandbox API the way the payment service will call it. */
export function apiClient(baseUrl: string, apiKey = API_KEY) {
  async function call<T = any>(
    method: string,
    path: string,
    opts: { body?: unknown; raw?: string; key?: string | null; apiKey?: string | null; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    const key = opts.apiKey === undefined ? apiKey : opts.apiKey;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    if (opts.key) headers['idempotency-key'] = opts.key;
    if (opts.body !== undefined || opts.raw !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // HTML pages and plain text stay text
    }
    return { status: res.status, body: body as T, headers: res.headers };
  }
  return {
    call,
    createPayment: (body: Record<string, unknown>, key: string | null = randomUUID()) => call('POST', '/v1/payments', { body, key }),
    getPayment: (id: string) => call('GET', `/v1/payments/${id}`),
    refund: (id: string, body: Record<string, unknown> | undefined, key: string = randomUUID()) =>
      call('POST', `/v1/payments/${id}/refunds`, { body, key }),
    charges: (reference: string) => call('GET', `/v1/test/charges?reference=${encodeURIComponent(reference)}`),
    events: (paymentId: string) => call('GET', `/v1/test/events?paymentId=${encodeURIComponent(paymentId)}`),
  };
}
export type ApiClient = ReturnType<typeof apiClient>;

/** A unique merchant reference per test, so tests sharing a sandbox never count each other's charges. */
export const newReference = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

/** Polls the payment until it has `status`. */
export function waitForStatus(api: ApiClient, id: string, status: string, timeoutMs = 10_000) {
  return waitFor(
    `payment ${id} to be ${status}`,
    async () => {
      const res = await api.getPayment(id);
      return res.body?.status === status ? res.body : undefined;
    },
    { timeoutMs, intervalMs: 10 },
  );
}

/** `node` arguments that run the sandbox's entry point from source, as its own process. */
export const NODE_ARGS = ['--conditions=shop-source', '--import', 'tsx', 'sandboxes/payment/src/index.ts'];

/** The environment the process gets: only what it needs, not the test runner's. */
export const childEnv = (overrides: Record<string, string>) => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  ...testEnv(overrides),
});

/** Starts the sandbox as its own process on `port` (logging to `logFile`) and waits until it is ready. */
export async function spawnSandbox(port: number, logFile: string, env: Record<string, string>) {
  const proc = new ManagedProcess('payment-sandbox', process.execPath, NODE_ARGS, logFile, childEnv({ ...env, PORT: String(port) }), ROOT);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(proc, url);
  return { proc, url };
}
