import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, freePort, run, sandboxStarter } from '@shop/harness';
import { apiClient, testEnv } from './helpers.js';

const NODE_ARGS = ['--conditions=shop-source', '--import', 'tsx', 'sandboxes/sms/src/index.ts'];
let logs: string;

beforeAll(() => {
  logs = mkdtempSync(join(tmpdir(), 'sms-sandbox-'));
});
afterAll(() => rmSync(logs, { recursive: true, force: true }));

const startSandbox = sandboxStarter('sms', () => logs, testEnv);
const childEnv = (overrides: Record<string, string>) => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  ...testEnv(overrides),
});

/** Starts the sandbox as its own process on `port` and waits until it is ready. */
async function spawnSandbox(port: number, env: Record<string, string> = {}) {
  const { proc, url } = await startSandbox(port, env);
  return { proc, call: apiClient(url) };
}

describe('the SMS sandbox as its own process', () => {
  it('starts from its entry point, sends an SMS, and stops cleanly on SIGTERM', async () => {
    const { proc, call } = await spawnSandbox(await freePort());
    try {
      expect((await call('POST', '/v1/messages', { to: '+4915112345678', body: 'hi', clientReference: 'proc-1' })).status).toBe(201);
      expect((await call('GET', '/v1/test/messages')).body.messages).toHaveLength(1);
      await proc.stop();
      expect(proc.exitCode).toBe(0);
      expect(proc.tail(50)).toMatch(/sms sandbox ready/);
    } finally {
      await proc.stop();
    }
  });

  it('refuses to start with a bad configuration, naming every problem', async () => {
    const failure = await run(process.execPath, NODE_ARGS, {
      cwd: ROOT,
      env: childEnv({ PORT: 'eighty', SMS_API_KEY: 'short' }),
      quiet: true,
    }).then(
      () => undefined,
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
    expect(failure).toMatch(/sms-sandbox failed to start/);
    expect(failure).toMatch(/PORT:/);
    expect(failure).toMatch(/SMS_API_KEY:/);
  });

  it('with SANDBOX_STATE_DIR keeps the messages sent across a SIGKILL: a repeated clientReference is not sent again', async () => {
    const port = await freePort();
    const env = { SANDBOX_STATE_DIR: join(logs, 'state') };
    const first = await spawnSandbox(port, env);
    const sms = { to: '+4915112345678', body: 'kept', clientReference: 'books-1' };
    const sent = await first.call('POST', '/v1/messages', sms);
    expect(sent.status).toBe(201);
    await first.proc.kill('SIGKILL');

    const second = await spawnSandbox(port, env);
    try {
      expect((await second.call('GET', '/v1/test/messages')).body.messages).toEqual([sent.body]);
      const again = await second.call('POST', '/v1/messages', sms);
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual({ ...sent.body, requests: 2 });
      expect((await second.call('POST', '/v1/messages', { ...sms, body: 'other' })).status).toBe(422);
    } finally {
      await second.proc.stop();
    }
  });
});
