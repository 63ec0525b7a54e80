import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagedProcess, ROOT, freePort, run, waitFor } from '@shop/harness';
import { verifyWebhookSignature } from '@shop/payment-sandbox';
import { WEBHOOK_SECRET, apiClient, newReference, startReceiver, testEnv, type Receiver } from './helpers.js';

const ENTRY = 'sandboxes/payment/src/index.ts';
const NODE_ARGS = ['--conditions=shop-source', '--import', 'tsx', ENTRY];

let receiver: Receiver;
let logs: string;

beforeAll(async () => {
  receiver = await startReceiver();
  logs = mkdtempSync(join(tmpdir(), 'payment-sandbox-'));
});

afterAll(async () => {
  await receiver?.close();
  rmSync(logs, { recursive: true, force: true });
});

/** The environment the process gets: only what it needs, not the test runner's. */
const childEnv = (overrides: Record<string, string>) => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  ...testEnv(overrides),
});

describe('the sandbox as its own process', () => {
  it('starts from its entry point, takes a payment, sends the signed webhook, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const proc = new ManagedProcess(
      'payment-sandbox',
      process.execPath,
      NODE_ARGS,
      join(logs, 'sandbox.log'),
      childEnv({ PORT: String(port), LOG_LEVEL: 'info', PSP_WEBHOOK_URL: receiver.url('/ok') }),
      ROOT,
    );
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitFor('the sandbox to be ready', async () => (await fetch(`${url}/readyz`)).ok, {
        timeoutMs: 30_000,
        failFast: () => proc.deathNotice(),
      });
      const api = apiClient(url);
      const created = await api.createPayment({ amount: 4200, currency: 'EUR', token: 'tok_3ds', reference: newReference('proc') });
      expect(created.status).toBe(201);
      expect(created.body.nextActionUrl).toBe(`${url}/v1/actions/${created.body.id}/complete`);
      expect((await fetch(created.body.nextActionUrl)).status).toBe(200);
      const [hook] = await receiver.waitFor(created.body.id, 'payment.succeeded');
      expect(verifyWebhookSignature(WEBHOOK_SECRET, hook!.headers['sandbox-signature'], hook!.raw).ok).toBe(true);
      expect(hook!.path).toBe('/ok');

      await proc.stop();
      expect(proc.exitCode).toBe(0);
      expect(proc.tail(50)).toMatch(/payment sandbox ready/);
      expect(proc.tail(50)).toMatch(/shutting down/);
    } finally {
      await proc.stop();
    }
  });

  it('refuses to start with a bad configuration, naming every problem', async () => {
    const failure = await run(process.execPath, NODE_ARGS, {
      cwd: ROOT,
      env: childEnv({ PORT: 'eighty', SANDBOX_WEBHOOK_MAX_ATTEMPTS: '0' }),
      quiet: true,
    }).then(
      () => undefined,
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
    expect(failure).toMatch(/exited with 1/);
    expect(failure).toMatch(/payment-sandbox failed to start/);
    expect(failure).toMatch(/PORT:/);
    expect(failure).toMatch(/SANDBOX_WEBHOOK_MAX_ATTEMPTS:/);
  });
});
