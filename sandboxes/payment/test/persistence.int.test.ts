import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, freePort, run, type ManagedProcess } from '@shop/harness';
import { NODE_ARGS, apiClient, childEnv, newReference, spawnSandbox, startReceiver, waitForStatus, type Receiver } from './helpers.js';

/**
 * SANDBOX_STATE_DIR: the books survive a SIGKILL, like a real provider's. Each test runs the sandbox as
 * its own process, kills it with SIGKILL (no shutdown hook runs) and starts a new one on the same
 * directory and port.
 */
let receiver: Receiver;
let tmp: string;
const running = new Set<ManagedProcess>();
let starts = 0;

beforeAll(async () => {
  receiver = await startReceiver();
  tmp = mkdtempSync(join(tmpdir(), 'payment-sandbox-books-'));
});

afterAll(async () => {
  for (const proc of running) await proc.stop();
  await receiver?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A sandbox process on `port` keeping its books in `stateDir`. */
async function start(port: number, stateDir: string, env: Record<string, string> = {}) {
  const started = await spawnSandbox(port, join(tmp, 'logs', `sandbox-${++starts}.log`), {
    LOG_LEVEL: 'info',
    PSP_WEBHOOK_URL: receiver.url('/ok'),
    SANDBOX_STATE_DIR: stateDir,
    ...env,
  });
  running.add(started.proc);
  return { ...started, api: apiClient(started.url) };
}

async function sigkill(proc: ManagedProcess) {
  await proc.kill('SIGKILL');
  running.delete(proc);
  expect(proc.exitSignal).toBe('SIGKILL');
}

describe('the sandbox with SANDBOX_STATE_DIR', () => {
  it('keeps payments, refunds and idempotency keys across a SIGKILL, and a pending 3-D Secure payment can still be completed', async () => {
    const port = await freePort();
    const stateDir = join(tmp, 'books-restart');
    const first = await start(port, stateDir);

    const visaKey = randomUUID();
    const visaBody = { amount: 5000, currency: 'EUR', token: 'tok_visa', reference: newReference('books-visa') };
    const visa = await first.api.createPayment(visaBody, visaKey);
    expect(visa.status).toBe(201);
    await waitForStatus(first.api, visa.body.id, 'succeeded');
    const refundKey = randomUUID();
    const refund = await first.api.refund(visa.body.id, { amount: 1500 }, refundKey);
    expect(refund.status).toBe(201);

    const threeDsBody = { amount: 2500, currency: 'EUR', token: 'tok_3ds', reference: newReference('books-3ds') };
    const threeDs = await first.api.createPayment(threeDsBody);
    expect(threeDs.body.status).toBe('requires_action');

    const before = {
      visa: (await first.api.getPayment(visa.body.id)).body,
      threeDs: (await first.api.getPayment(threeDs.body.id)).body,
      visaCharges: (await first.api.charges(visaBody.reference)).body,
      threeDsCharges: (await first.api.charges(threeDsBody.reference)).body,
    };
    expect(before.visa).toMatchObject({ status: 'succeeded', amount: 5000, amountRefunded: 1500, refunds: [{ id: refund.body.id }] });
    expect(before.visaCharges).toMatchObject({ charges: 1, succeeded: 1, amountCaptured: 5000, amountRefunded: 1500 });

    await sigkill(first.proc);
    const second = await start(port, stateDir);

    // The same payments, as they were; the charge summary counts them.
    expect((await second.api.getPayment(visa.body.id)).body).toEqual(before.visa);
    expect((await second.api.getPayment(threeDs.body.id)).body).toEqual(before.threeDs);
    expect((await second.api.charges(visaBody.reference)).body).toEqual(before.visaCharges);
    expect((await second.api.charges(threeDsBody.reference)).body).toEqual(before.threeDsCharges);
    expect(second.proc.tail(5)).toMatch(/"payments":2,"idempotencyKeys":3,"msg":"books loaded"/);

    // The idempotency keys: the same request replays the original answer, another one is refused.
    const replay = await second.api.createPayment(visaBody, visaKey);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(visa.body);
    const other = await second.api.createPayment({ ...visaBody, amount: 5001 }, visaKey);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    const refundReplay = await second.api.refund(visa.body.id, { amount: 1500 }, refundKey);
    expect(refundReplay.headers.get('idempotent-replayed')).toBe('true');
    expect(refundReplay.body.id).toBe(refund.body.id);
    expect((await second.api.getPayment(visa.body.id)).body.amountRefunded).toBe(1500);

    // 3-D Secure completed after the restart: the payment settles and its webhook goes out.
    expect((await fetch(threeDs.body.nextActionUrl)).status).toBe(200);
    await waitForStatus(second.api, threeDs.body.id, 'succeeded');
    await receiver.waitFor(threeDs.body.id, 'payment.succeeded');

    // …and that too was written down before the next kill.
    await sigkill(second.proc);
    const third = await start(port, stateDir);
    expect((await third.api.getPayment(threeDs.body.id)).body).toMatchObject({ status: 'succeeded' });
    expect((await third.api.charges(threeDsBody.reference)).body).toMatchObject({ charges: 1, succeeded: 1, amountCaptured: 2500 });
    await third.proc.stop();
  });

  it('settles a payment that was still processing when it was killed, and sends its webhook', async () => {
    const port = await freePort();
    const stateDir = join(tmp, 'books-processing');
    // Settlement an hour away: the kill comes first.
    const first = await start(port, stateDir, { SANDBOX_SETTLE_DELAY_MS: '3600000' });
    const created = await first.api.createPayment({
      amount: 700,
      currency: 'EUR',
      token: 'tok_visa',
      reference: newReference('books-proc'),
    });
    expect(created.body.status).toBe('processing');
    await sigkill(first.proc);

    const second = await start(port, stateDir);
    await waitForStatus(second.api, created.body.id, 'succeeded');
    const [hook] = await receiver.waitFor(created.body.id, 'payment.succeeded');
    expect(hook!.event.data.payment).toMatchObject({ id: created.body.id, status: 'succeeded', amount: 700 });
    await second.proc.stop();
  });

  it('refuses to start on a books file it cannot read, naming the file', async () => {
    const stateDir = join(tmp, 'books-corrupt');
    mkdirSync(stateDir);
    const file = join(stateDir, 'books.json');
    writeFileSync(file, '{"version":1,"payments":[{"payment":');
    const failure = await run(process.execPath, NODE_ARGS, {
      cwd: ROOT,
      env: childEnv({ PORT: String(await freePort()), SANDBOX_STATE_DIR: stateDir }),
      quiet: true,
    }).then(
      () => undefined,
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
    expect(failure).toMatch(/exited with 1/);
    expect(failure).toContain(`payment-sandbox failed to start: ${file}: not a valid state file`);
  });
});
