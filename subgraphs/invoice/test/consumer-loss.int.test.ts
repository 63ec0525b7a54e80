import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '@shop/events';
import {
  consumerPulling,
  freePort,
  ManagedProcess,
  ROOT,
  startBroker,
  testDbName,
  testTmpDir,
  waitFor,
  type NatsInstance,
} from '@shop/harness';
import { FakeOrders } from './fake-orders.js';
import { log } from './helpers.js';

/** The invoice subgraph as its own process (`src/index.ts`, as `npm start` runs it). */

let dir: string;
let nats: NatsInstance;
let nc: NatsConnection;
let orders: FakeOrders;

beforeAll(async () => {
  dir = testTmpDir('invoice-consumer-loss-');
  nats = await startBroker('test');
  nc = await connectNats(nats.url, 'invoice-consumer-loss-test', log('nats'));
  orders = await new FakeOrders().start();
});

afterAll(async () => {
  await nc?.drain();
  await orders?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the invoice subgraph process', () => {
  it('exits non-zero when its order.paid consumer is deleted, so a supervisor restarts it', async () => {
    const port = await freePort();
    const proc = new ManagedProcess(
      'invoice',
      process.execPath,
      ['--conditions=shop-source', '--import', 'tsx', 'subgraphs/invoice/src/index.ts'],
      join(dir, 'invoice.log'),
      {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        PORT: String(port),
        PDF_LINK_SECRET: 'test-only-pdf-link-secret-0123456789',
        MONGODB_URL: inject('mongoUrl'),
        MONGODB_DB: testDbName('invoice_loss'),
        NATS_URL: nats.url,
        ORDER_URL: orders.url,
      },
      ROOT,
    );
    try {
      await waitFor('the invoice subgraph to be ready', async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, {
        timeoutMs: 60_000,
        failFast: () => proc.deathNotice(),
      });
      const jsm = await jetstreamManager(nc);
      // /readyz answers before the NATS step has run: wait until the process is pulling from the
      // consumer it provisions, so the delete below is the one the server reports to it.
      await consumerPulling(jsm, 'ORDERS', 'invoice--order-paid', { failFast: () => proc.deathNotice() });
      await jsm.consumers.delete('ORDERS', 'invoice--order-paid');
      await waitFor('the process to exit', () => (proc.alive ? undefined : true), { timeoutMs: 30_000 });
      expect(proc.exitCode).toBe(1);
      expect(proc.tail(30)).toMatch(/invoice--order-paid/);
    } finally {
      await proc.stop();
    }
  });
});
