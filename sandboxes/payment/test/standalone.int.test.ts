import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, freePort, run } from '@shop/harness';
import { verifyWebhookSignature } from '@shop/payment/provider';
import { NODE_ARGS, WEBHOOK_SECRET, apiClient, childEnv, newReference, spawnSandbox, startReceiver, type Receiver } from './helpers.js';

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

describe('the sandbox as its own process', () => {
  it('starts from its entry point, takes a payment, sends the signed webhook, and stops cleanly on SIGTERM', async () => {
    const { proc, url } = await spawnSandbox(await freePort(), join(logs, 'sandbox.log'), {
      LOG_LEVEL: 'info',
      PSP_WEBHOOK_URL: receiver.url('/ok'),
    });
    try {
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
