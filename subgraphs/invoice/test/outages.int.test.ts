import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { freePort, ManagedProcess, ROOT, startFerretDb, testTmpDir, waitFor, type DatabaseInstance } from '@shop/harness';
import { FakeOrders } from './fake-orders.js';
import { paidEvent, publish, startEnv, type Env } from './helpers.js';

/**
 * Outages with the production retry settings (no RETRY_* override): the order subgraph down for 90 s,
 * then the database frozen for 60 s, each while 20 paid orders wait for their invoices. The database is
 * a FerretDB of this file's own, so freezing it stops no other suite.
 */

const ORDERS = 20;
let dir: string;
let db: DatabaseInstance;
let ordersFile: string;
let orderPort: number;
let orderStub: ManagedProcess | undefined;
let env: Env;
const orders = new FakeOrders();
let runs = 0;

async function startOrderStub(): Promise<ManagedProcess> {
  const proc = new ManagedProcess(
    'order-stub',
    process.execPath,
    ['--conditions=shop-source', '--import', 'tsx', 'subgraphs/invoice/test/order-stub.process.ts'],
    join(dir, `order-stub-${++runs}.log`),
    { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ORDERS_FILE: ordersFile, PORT: String(orderPort) },
    ROOT,
  );
  await waitFor('the order stub to listen', () => (proc.tail().includes('order stub on') ? true : undefined), {
    timeoutMs: 30_000,
    failFast: () => proc.deathNotice(),
  });
  return proc;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dlqSize = async () => (await env.jsm!.streams.info('DLQ')).state.messages;
const invoicesFor = (orderIds: string[]) => env.invoice.models.Invoice.countDocuments({ orderId: { $in: orderIds } });

function paidOrders(n: number) {
  const added = Array.from({ length: n }, (_, i) => orders.add([{ unitPrice: 1000 + i, quantity: 1 + (i % 3) }]));
  orders.save(ordersFile);
  return added;
}

beforeAll(async () => {
  dir = testTmpDir('invoice-outages-');
  db = await startFerretDb({ dataDir: join(dir, 'db'), logFile: join(dir, 'ferretdb.log') });
  ordersFile = join(dir, 'orders.json');
  orders.save(ordersFile);
  orderPort = await freePort();
  orderStub = await startOrderStub();
  env = await startEnv({ mongoUrl: db.url, orderUrl: `http://127.0.0.1:${orderPort}/graphql`, eventsEnv: {} });
});

afterAll(async () => {
  await env?.close();
  await orderStub?.stop();
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('invoice issuing through outages, default retry settings', () => {
  it('the order subgraph killed for 90 s: all 20 invoices are issued after its restart and nothing is dead-lettered', async () => {
    const paid = paidOrders(ORDERS);
    await orderStub!.kill('SIGKILL');
    for (const order of paid) await publish(env, paidEvent(order));
    await sleep(90_000);
    expect(await dlqSize()).toBe(0);
    expect(await invoicesFor(paid.map((o) => o.id))).toBe(0);
    orderStub = await startOrderStub();
    await waitFor('all 20 invoices', async () => ((await invoicesFor(paid.map((o) => o.id))) === ORDERS ? true : undefined), {
      timeoutMs: 150_000,
      intervalMs: 500,
    });
    expect(await dlqSize()).toBe(0);
  }, 300_000);

  it('the database frozen (SIGSTOP) for 60 s while order.paid is handled: every invoice is issued soon after SIGCONT', async () => {
    const pid = db.process!.pid!;
    let frozen = false;
    onTestFinished(() => {
      if (frozen) process.kill(pid, 'SIGCONT');
    });
    const paid = paidOrders(ORDERS);
    process.kill(pid, 'SIGSTOP');
    frozen = true;
    for (const order of paid) await publish(env, paidEvent(order));
    await waitFor('handlers to hold deliveries against the frozen database', async () => {
      const info = await env.jsm!.consumers.info('ORDERS', 'invoice--order-paid');
      return info.num_ack_pending > 0 ? true : undefined;
    });
    await sleep(60_000);
    process.kill(pid, 'SIGCONT');
    frozen = false;
    await waitFor('all 20 invoices', async () => ((await invoicesFor(paid.map((o) => o.id))) === ORDERS ? true : undefined), {
      timeoutMs: 150_000,
      intervalMs: 500,
    });
    expect(await dlqSize()).toBe(0);
  }, 300_000);
});
