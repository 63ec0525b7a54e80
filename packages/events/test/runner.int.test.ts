import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerPulling, ManagedProcess, ROOT, testTmpDir, waitFor, type NatsInstance } from '@shop/harness';
import { consumerName } from '../src/index.js';
import { connectBroker, privateNats, type Broker } from './helpers.js';

/**
 * `runService`, the one `main` of every subgraph and worker, run as a process of its own: a consumer
 * loop that ends outside a shutdown is fatal by default (exit 1, so the supervisor restarts the
 * process); one that ends in a shutdown is not.
 */

const DURABLE = consumerName('runner-test', 'shop.order.paid.v1');
let dir: string;
let nats: NatsInstance;
let broker: Broker;

beforeAll(async () => {
  dir = testTmpDir('events-runner-');
  nats = await privateNats();
  broker = await connectBroker(nats.url);
});

afterAll(async () => {
  await broker?.nc.drain();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function startService(name: string): Promise<ManagedProcess> {
  const proc = new ManagedProcess(
    name,
    process.execPath,
    ['--conditions=shop-source', '--import', 'tsx', 'packages/events/test/runner-service.process.ts'],
    join(dir, `${name}.log`),
    { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NATS_URL: nats.url },
    ROOT,
  );
  await waitFor('the service to report ready', () => (/runner-test ready/.test(proc.tail(50)) ? true : undefined), {
    timeoutMs: 60_000,
    failFast: () => proc.deathNotice(),
  });
  return proc;
}

describe('runService', () => {
  it('exits 1 when a consumer loop ends on its own, naming the consumer', async () => {
    const proc = await startService('consumer-lost');
    try {
      await consumerPulling(broker.jsm, 'ORDERS', DURABLE, { failFast: () => proc.deathNotice() });
      await broker.jsm.consumers.delete('ORDERS', DURABLE);
      await waitFor('the process to exit', () => (proc.alive ? undefined : true), { timeoutMs: 30_000 });
      expect(proc.exitCode).toBe(1);
      expect(proc.tail(30)).toMatch(new RegExp(`consumer ${DURABLE} ended unexpectedly`));
    } finally {
      await proc.stop();
    }
  });

  it('exits 0 on SIGTERM: consumers that end during the shutdown are expected', async () => {
    const proc = await startService('shutdown');
    try {
      await proc.stop(30_000);
      expect(proc.exitSignal).toBeNull();
      expect(proc.exitCode).toBe(0);
      expect(proc.tail(30)).not.toMatch(/ended unexpectedly/);
    } finally {
      await proc.stop();
    }
  });
});
