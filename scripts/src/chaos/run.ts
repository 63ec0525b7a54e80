/**
 * One chaos run: start the system (supervised), create the products, drive the purchases while the
 * fault schedule runs, let the system settle (bounded), reconcile. Used by `npm run chaos` and the
 * `chaos` vitest project.
 */
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { testTmpDir, waitFor } from '@shop/harness';
import { mintDevToken } from '@shop/identity-sandbox';
import { pendingWebhooks, readProviderBooks } from './books.js';
import { ShopClient } from './client.js';
import { paymentIds, readFacts } from './facts.js';
import { driveLoad, planPurchases, shopClient, type LoadResult } from './load.js';
import { purchase, type PurchaseResult } from './purchase.js';
import { seededRandom, type ChaosOptions } from './options.js';
import { reconcile, SETTLE_ROWS, type Row } from './reconcile.js';
import {
  BOUNDED_SHAPE,
  buildSchedule,
  FULL_SHAPE,
  runSchedule,
  scheduleLengthMs,
  seconds,
  type Fault,
  type FaultRecord,
} from './schedule.js';
import { Supervisor } from './supervisor.js';
import { layout, systemUnits, type SystemLayout } from './system.js';

export interface ChaosResult {
  rows: Row[];
  faults: FaultRecord[];
  load: LoadResult;
  ok: boolean;
  stateDir: string;
}

const PRODUCTS = 6;
const INITIAL_STOCK = 80;

/** `count` products with INITIAL_STOCK each, created through the gateway as an admin; id → initial stock. */
export async function createProducts(
  l: Pick<SystemLayout, 'gatewayUrl' | 'identityUrl'>,
  count: number,
  prefix = 'CHAOS',
): Promise<Map<string, number>> {
  const token = await mintDevToken(l.identityUrl, { sub: 'chaos-admin', roles: ['admin'] });
  const admin = new ShopClient({
    url: l.gatewayUrl,
    requestTimeoutMs: 10_000,
    retryBudgetMs: 30_000,
    onRetry: () => {},
    headers: { authorization: `Bearer ${token}` },
  });
  const products = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const input = {
      sku: `${prefix}-${i}`,
      name: `${prefix} item ${i}`,
      description: 'chaos run',
      price: 1_000 + 250 * i,
      categorySlugs: [],
      initialStock: INITIAL_STOCK,
    };
    const answer = await admin.call<{ createProduct: { product: { id: string } | null } }>(
      'createProduct',
      'mutation ChaosCreateProduct($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code message } } }',
      { input },
    );
    const id = answer.data?.createProduct.product?.id;
    if (!id) throw new Error(`createProduct: ${JSON.stringify(answer)}`);
    products.set(id, INITIAL_STOCK);
  }
  return products;
}

/**
 * A payment whose webhook was lost is settled by the payment service's reconciler: at most
 * PAYMENT_RECONCILE_AFTER (default 2m) + PAYMENT_RECONCILE_INTERVAL (1m) after it was made, plus slack.
 */
const RECONCILER_HORIZON_MS = 3 * 60_000 + 30_000;

/** Re-reads the system every `pollMs` until every row of `rowsToWait` holds or `timeoutMs` passes, printing progress. */
export async function settle(
  timeoutMs: number,
  check: () => Promise<readonly Row<string>[]>,
  log: (s: string) => void,
  { rowsToWait = SETTLE_ROWS, pollMs = 15_000 }: { rowsToWait?: readonly string[]; pollMs?: number } = {},
) {
  const deadline = Date.now() + timeoutMs;
  let said = '';
  let saidAt = 0;
  for (;;) {
    let rows: readonly Row<string>[] | undefined;
    try {
      rows = await check();
    } catch (err) {
      log(`settling: cannot read the system yet (${err instanceof Error ? err.message : String(err)})`);
    }
    const waiting = rows?.filter((r) => rowsToWait.includes(r.id) && !r.ok) ?? [];
    const progress = waiting.map((r) => `${r.check} ${r.actual}/${r.expected}`).join(', ') || 'all settled';
    // Progress when it changes, and once a minute while it does not.
    if (rows && (progress !== said || Date.now() - saidAt > 60_000)) {
      log(`settling (${seconds(Math.max(0, deadline - Date.now()))} left): ${progress}`);
      [said, saidAt] = [progress, Date.now()];
    }
    if (rows && waiting.length === 0) return;
    if (Date.now() > deadline) {
      log(`settling: gave up after ${seconds(timeoutMs)}`);
      return;
    }
    await sleep(pollMs);
  }
}

export async function runChaos(opts: ChaosOptions, log: (line: string) => void): Promise<ChaosResult> {
  const random = seededRandom(opts.seed);
  const shape = opts.bounded ? BOUNDED_SHAPE : FULL_SHAPE;
  const stateDir = testTmpDir('shop-chaos-');
  const l = await layout(stateDir);
  const supervisor = new Supervisor((line) => log(`  supervisor: ${line}`));
  log(`seed ${opts.seed}; state ${stateDir}; gateway ${l.gatewayUrl}`);
  try {
    await supervisor.startAll(await systemUnits(l));
    const products = await createProducts(l, PRODUCTS);
    const faults = buildSchedule(shape, opts.bounded, random);
    const plans = planPurchases(opts.purchases, [...products.keys()], random);
    const spreadMs = scheduleLengthMs(faults, shape);
    log(`${plans.length} purchases over ~${seconds(spreadMs)} at concurrency ${opts.concurrency}; ${faults.length} faults:`);
    const startedAt = Date.now();
    const { client, retried } = shopClient(l.gatewayUrl);
    // The customer's patience for PAID, and how long the system gets to settle afterwards.
    const timing = { paidWaitMs: opts.bounded ? 120_000 : 240_000, pollMs: 2_000 };
    const extras: Promise<PurchaseResult>[] = [];
    /** When the last webhook was lost: the payment service's reconciler settles that payment by then + RECONCILER_HORIZON_MS. */
    let lostWebhookAt = 0;
    /** The payment sandbox dies with a webhook pending: its books survive the kill, the webhook does not. */
    const before = async (f: Fault): Promise<string | undefined> => {
      if (f.target !== 'payment-sandbox') return undefined;
      const plan = { index: plans.length + extras.length, kind: 'webhook-delayed' as const, lines: plans[0]!.lines, phone: null };
      extras.push(purchase(client, plan, timing));
      const pending = await waitFor(
        'a webhook the payment sandbox holds back',
        async () => (await pendingWebhooks(l.paymentSandboxUrl)) || undefined,
        { timeoutMs: 60_000, intervalMs: 100 },
      ).catch(() => 0);
      lostWebhookAt = Date.now();
      return `${pending} undelivered webhook(s) lost (purchase #${plan.index}, tok_webhook_delayed)`;
    };
    const [results, done] = await Promise.all([
      driveLoad(plans, { client, concurrency: opts.concurrency, spreadMs, timing, log }),
      runSchedule(faults, { supervisor, shape, startedAt, log, before }),
    ]);
    const load: LoadResult = { results: [...results, ...(await Promise.all(extras))], retried };
    log('load and faults done; waiting for the system to settle…');
    /** The system and the providers' books as they are now: the sandboxes kept theirs through every kill. */
    const check = async () =>
      reconcile({
        facts: await readFacts(l.dbUrl, l.natsUrl, l.mailDir),
        books: await readProviderBooks(l, await paymentIds(l.dbUrl)),
        results: load.results,
        products,
      });
    const untilReconciled = lostWebhookAt ? lostWebhookAt + RECONCILER_HORIZON_MS - Date.now() : 0;
    await settle(Math.max(opts.bounded ? 120_000 : 600_000, untilReconciled), check, log);
    const rows = await check();
    const restarts = [...supervisor.restarts].map(([n, c]) => `${n} ${c}`).join(', ');
    log(`restarts by the supervisor: ${restarts}`);
    return { rows, faults: done, load, ok: rows.every((r) => r.ok), stateDir };
  } finally {
    await supervisor.stopAll();
    if (!opts.keep) rmSync(stateDir, { recursive: true, force: true });
  }
}
