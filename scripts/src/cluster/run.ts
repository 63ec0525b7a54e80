/**
 * One cluster run: start the replicated system (supervised) behind its proxies, create the products,
 * drive purchases while a NATS node and then one replica of every service are killed and restarted,
 * let the system settle, reconcile the chaos run's rows and the cluster's own. Used by `npm run
 * cluster` and the `cluster` vitest project.
 */
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { testTmpDir, waitForNatsCluster } from '@shop/harness';
import { readProviderBooks } from '../chaos/books.js';
import { paymentIds, readFacts } from '../chaos/facts.js';
import { driveLoad, planPurchases, shopClient, type LoadResult, type PurchaseMix } from '../chaos/load.js';
import { seededRandom, type ChaosOptions } from '../chaos/options.js';
import { reconcile, SETTLE_ROWS, type Row } from '../chaos/reconcile.js';
import { createProducts, settle } from '../chaos/run.js';
import { formatAt, seconds, type Fault, type FaultRecord } from '../chaos/schedule.js';
import { Supervisor } from '../chaos/supervisor.js';
import { scrape, WorkLedger, type ScrapeTarget } from './metrics.js';
import { startRoundRobinProxy, type RoundRobinProxy } from './proxy.js';
import { CLUSTER_SETTLE_ROWS, clusterRows, type ReplicaWork } from './rows.js';
import { readStreamFacts } from './stream-facts.js';
import { clusterLayout, clusterPlan, NATS_NODES, REPLICATED, type ClusterLayout, type Replica } from './system.js';

export interface ClusterResult {
  rows: Row<string>[];
  faults: FaultRecord[];
  load: LoadResult;
  work: ReplicaWork[];
  proxies: { service: string; served: number[] }[];
  ok: boolean;
  stateDir: string;
}

/** The chaos mix, plus customers who walk away (the sweepers' work) and held-back webhooks (the reconciler's). */
export const CLUSTER_MIX: PurchaseMix = [
  ['visa', 0.35],
  ['3ds', 0.1],
  ['declined-then-visa', 0.1],
  ['cancel-after-paid', 0.1],
  ['webhook-delayed', 0.1],
  ['abandoned-order', 0.15],
  ['abandoned-cart', 0.1],
];

export interface ClusterShape {
  /** Load before the first fault and between faults. */
  gapMs: number;
  /** How long a killed NATS node stays down; a killed replica. */
  natsDownMs: number;
  replicaDownMs: number;
  /** Longest wait for the system to settle after the load. */
  settleMs: number;
}

/** The settle budgets cover the payment timeout and cart TTL (120 s, system.ts) of the last abandoned purchase. */
const BOUNDED: ClusterShape = { gapMs: 10_000, natsDownMs: 15_000, replicaDownMs: 3_000, settleMs: 240_000 };
const FULL: ClusterShape = { gapMs: 30_000, natsDownMs: 60_000, replicaDownMs: 10_000, settleMs: 300_000 };

/**
 * The faults, step by step; the faults of one step happen at once. Bounded: one NATS node, then replica 1
 * of every service. Full: the same, then another NATS node and replica 2 of every service.
 */
export function clusterSteps(shape: ClusterShape, bounded: boolean): Fault[][] {
  const kill = (target: string, outageMs: number, why: string): Fault => ({ target, action: 'kill', signal: 'SIGKILL', outageMs, why });
  const replicas = (i: number) =>
    REPLICATED.map((s) => kill(`${s}-${i}`, shape.replicaDownMs, `replica ${i} of ${s} crashes; replica ${3 - i} carries on`));
  const steps = [[kill('nats-2', shape.natsDownMs, 'a broker node crashes; the other two keep the quorum')], replicas(1)];
  if (!bounded) steps.push([kill('nats-3', shape.natsDownMs, 'another broker node crashes')], replicas(2));
  return steps;
}

async function runSteps(
  steps: readonly Fault[][],
  o: { supervisor: Supervisor; shape: ClusterShape; startedAt: number; log: (s: string) => void; before: () => Promise<void> },
): Promise<FaultRecord[]> {
  const done: FaultRecord[] = [];
  for (const step of steps) {
    await sleep(o.shape.gapMs);
    await o.before();
    await Promise.all(
      step.map(async (fault) => {
        const atMs = Date.now() - o.startedAt;
        const record: FaultRecord = { ...fault, atMs, pid: o.supervisor.pid(fault.target) };
        o.log(
          `${formatAt(atMs)}  ${fault.target.padEnd(20)} ${fault.signal} pid ${record.pid}  planned outage ${seconds(fault.outageMs)}  (${fault.why})`,
        );
        const t0 = Date.now();
        await o.supervisor.kill(fault.target, fault.signal, fault.outageMs);
        record.measuredMs = Date.now() - t0;
        o.log(`${formatAt(Date.now() - o.startedAt)}  ${fault.target.padEnd(20)} back after ${seconds(record.measuredMs)}`);
        done.push(record);
      }),
    );
  }
  await sleep(o.shape.gapMs);
  return done;
}

async function startProxies(plan: { proxies: { service: string; port: number; upstreams: number[] }[] }) {
  const started: { service: string; proxy: RoundRobinProxy }[] = [];
  for (const p of plan.proxies)
    started.push({ service: p.service, proxy: await startRoundRobinProxy({ port: p.port, upstreams: p.upstreams }) });
  return started;
}

const PRODUCTS = 6;

export async function runCluster(opts: ChaosOptions, log: (line: string) => void): Promise<ClusterResult> {
  const random = seededRandom(opts.seed);
  const shape = opts.bounded ? BOUNDED : FULL;
  const stateDir = testTmpDir('shop-cluster-');
  const l: ClusterLayout = await clusterLayout(stateDir);
  const plan = await clusterPlan(l);
  const supervisor = new Supervisor((line) => log(`  supervisor: ${line}`));
  const proxies = await startProxies(plan);
  const ledger = new WorkLedger();
  const targets: ScrapeTarget[] = plan.replicas.map((r: Replica) => ({
    name: r.name,
    port: r.port,
    pid: () => supervisor.runningPid(r.name),
  }));
  let scraping = true;
  const scraper = (async () => {
    while (scraping) {
      await scrape(targets, ledger);
      await sleep(2_000);
    }
  })();
  log(
    `seed ${opts.seed}; state ${stateDir}; gateway ${l.gatewayUrl} (proxy over ${plan.proxies[0]!.upstreams.length} gateways); NATS ${l.natsUrl}`,
  );
  try {
    await supervisor.startAll(plan.infra);
    await waitForNatsCluster(l.natsNodes);
    log(`JetStream cluster of ${NATS_NODES} nodes ready`);
    await supervisor.startAll(plan.services);
    const products = await createProducts(l, PRODUCTS, 'CLUSTER');
    const steps = clusterSteps(shape, opts.bounded);
    const plans = planPurchases(opts.purchases, [...products.keys()], random, CLUSTER_MIX);
    const spreadMs = shape.gapMs * (steps.length + 1) + steps.reduce((ms, s) => ms + Math.max(...s.map((f) => f.outageMs)) + 10_000, 0);
    log(`${plans.length} purchases over ~${seconds(spreadMs)} at concurrency ${opts.concurrency}; ${steps.length} fault steps`);
    const startedAt = Date.now();
    const { client, retried } = shopClient(l.gatewayUrl);
    const timing = { paidWaitMs: 120_000, pollMs: 2_000 };
    const [results, faults] = await Promise.all([
      driveLoad(plans, { client, concurrency: opts.concurrency, spreadMs, timing, log }),
      runSteps(steps, { supervisor, shape, startedAt, log, before: () => scrape(targets, ledger) }),
    ]);
    const load: LoadResult = { results, retried };
    log('load and faults done; waiting for the sweepers, consumers and relays to settle…');
    const check = async (): Promise<Row<string>[]> => {
      const facts = await readFacts(l.dbUrl, l.natsUrl, l.mailDir);
      await scrape(targets, ledger);
      const work = plan.replicas.map((r) => ({
        replica: r.name,
        service: r.service,
        work: ledger.total(r.name),
        lives: ledger.lives(r.name),
      }));
      return [
        ...reconcile({ facts, books: await readProviderBooks(l, await paymentIds(l.dbUrl)), results, products }),
        ...clusterRows({ facts, streams: await readStreamFacts(l.natsUrl), results, work, streamReplicas: NATS_NODES }),
      ];
    };
    await settle(shape.settleMs, check, log, { rowsToWait: [...SETTLE_ROWS, ...CLUSTER_SETTLE_ROWS], pollMs: 5_000 });
    const rows = await check();
    const work = plan.replicas.map((r) => ({
      replica: r.name,
      service: r.service,
      work: ledger.total(r.name),
      lives: ledger.lives(r.name),
    }));
    log(`restarts by the supervisor: ${[...supervisor.restarts].map(([n, c]) => `${n} ${c}`).join(', ')}`);
    return {
      rows,
      faults,
      load,
      work,
      proxies: proxies.map((p) => ({ service: p.service, served: [...p.proxy.served] })),
      ok: rows.every((r) => r.ok),
      stateDir,
    };
  } finally {
    scraping = false;
    await scraper;
    await supervisor.stopAll();
    for (const p of proxies) await p.proxy.close();
    if (!opts.keep) rmSync(stateDir, { recursive: true, force: true });
  }
}
