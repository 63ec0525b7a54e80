import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { print } from 'graphql';
import {
  freePort,
  ManagedProcess,
  ROOT,
  startBroker,
  testTmpDir,
  UNLIMITED_GATEWAY_RATES,
  waitFor,
  type NatsInstance,
} from '@shop/harness';
import { CartDocument, CreateCartDocument, CreateProductDocument, ProductDocument } from '../e2e/__generated__/operations.js';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { call } from '../e2e/support/stack.js';
import { startSystem, type System } from '../e2e/support/system.js';
import { paidCount, purchase } from './checkout.js';
import { percentile } from './lib.js';
import { formatRatio, pairedRatio, Samples, shareByRequests, slice, type Measured, type PairedRatio } from './slices.js';
import { cpuMsOf, databaseCpuMs } from './profile.js';
import { DEFAULT_RATIOS, percent, phasePlan, tracingModes, type Mode } from './tracing-modes.js';
import { codeShare, startupNodes, topSelfTime, type CpuProfile } from './cpuprofile.js';

/** Slices per case by default, each loading the four systems at once; `BENCH_TRACING_ROUNDS` sets it. */
export const DEFAULT_ROUNDS = 4;
const MIN_SLICE_S = 2;
/** A purchases slice lasts at least this: a purchase takes a second or two. */
const purchaseSliceSeconds = (sliceSeconds: number) => Math.max(sliceSeconds, 10);
/**
 * Load on each case, not measured, at the start of each phase: the processes have just started (or
 * restarted in another mode). A fresh process spends CPU compiling (V8's compiler and GC threads count in
 * its CPU time) for its first ten to twenty seconds of load.
 */
const WARM_UP_S = 20;
/** Connections per system of the concurrent cases: the four systems are loaded at once, 20 connections in all. */
const CONNECTIONS = 5;
/** The processes a purchase up to PAID needs (renderer, messaging and mail are left out, as in the checkout section). */
const PROCESSES = ['payment-sandbox', 'product', 'cart', 'order', 'payment', 'invoice'];

interface Running {
  mode: Mode;
  nats: NatsInstance;
  system: System;
  slug: string;
  cartId: string;
  productIds: string[];
  /** Service name by process id, for the CPU profiles (`--cpu-prof` names its files by pid). */
  names: Map<number, string>;
}

/** The cases of the section; `BENCH_TRACING_CASES=product` (comma-separated) runs only some, e.g. to profile one. */
export const TRACING_CASES = ['product', 'product-serial', 'cart', 'purchases'] as const;
export type TracingCase = (typeof TRACING_CASES)[number];

export interface TracingOptions {
  seconds: number;
  /** Buyers per system in the purchases case. */
  concurrency: number;
  cases: readonly TracingCase[];
  /** Slices per case and mode (default DEFAULT_ROUNDS). */
  rounds?: number;
  /** The traced systems' sampling ratios (default DEFAULT_RATIOS). */
  ratios?: readonly [number, number];
  /** The Node binary the services run under (`--node=24`; default the bench's own). */
  node?: string;
  /** `--profile`: every service runs with `--cpu-prof` into `<profileDir>/<mode>/`, summarized after the run. */
  profileDir?: string;
}

/** The gateway and the other processes of a system, as they appear in the CPU columns. */
const CPU_GROUPS = { gateway: ['gateway'], subgraphs: PROCESSES } as const;

interface CpuReading {
  gateway: number;
  subgraphs: number;
  /** The system's own nats-server (none to read when the broker is an external one). */
  nats: number;
}

/** CPU time so far of each group of a system's processes. */
function cpuNow(r: Running): CpuReading {
  const sum = (names: readonly string[]) =>
    names.reduce((total, name) => {
      const pid = r.system.pid(name);
      const ms = pid === undefined ? undefined : cpuMsOf(pid);
      if (ms === undefined) throw new Error(`tracing bench: ${name} is not running`);
      return total + ms;
    }, 0);
  const natsPid = r.nats.process?.pid;
  return {
    gateway: sum(CPU_GROUPS.gateway),
    subgraphs: sum(CPU_GROUPS.subgraphs),
    nats: natsPid === undefined ? 0 : (cpuMsOf(natsPid) ?? 0),
  };
}

/** The database server's CPU per second while the four systems idle (their relays and sweepers polling). */
async function idleDatabaseMsPerSec(): Promise<number> {
  const before = { ms: databaseCpuMs(), at: performance.now() };
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  return ((databaseCpuMs() - before.ms) * 1_000) / (performance.now() - before.at);
}

/** What one system used in one slice. */
interface SliceCpu extends CpuReading {
  /** Its share of the database server's CPU, net of the idle background. */
  database: number;
  requests: number;
}

/**
 * CPU ms and requests a mode's slices have used and served: the gateway, the subgraphs, the system's NATS,
 * and its share of the shared database server. Their sum per request is the whole system's cost of a
 * request; the gateway and subgraphs alone are the part tracing runs in.
 */
class CpuPerRequest {
  gateway = 0;
  subgraphs = 0;
  backing = 0;
  requests = 0;
  /** Each slice's CPU ms per request, all groups together, in slice order (paired with off's by round). */
  perSlice: number[] = [];
  /** The same, of the gateway and the subgraphs alone. */
  perSliceServices: number[] = [];
  add(s: SliceCpu): void {
    this.gateway += s.gateway;
    this.subgraphs += s.subgraphs;
    this.backing += s.nats + s.database;
    this.requests += s.requests;
    const per = (ms: number) => ms / Math.max(s.requests, 1);
    this.perSlice.push(per(s.gateway + s.subgraphs + s.nats + s.database));
    this.perSliceServices.push(per(s.gateway + s.subgraphs));
  }
  columns(off: CpuPerRequest): Record<string, string> {
    const per = (ms: number) => (this.requests ? (ms / this.requests).toFixed(2) : '—');
    return {
      'gateway CPU ms/req': per(this.gateway),
      'subgraphs CPU ms/req': per(this.subgraphs),
      'NATS + database CPU ms/req': per(this.backing),
      'services CPU/req vs off (95 % CI)': formatRatio(pairedRatio(this.perSliceServices, off.perSliceServices)),
      'CPU/req vs off (95 % CI)': formatRatio(pairedRatio(this.perSlice, off.perSlice)),
    };
  }
}

/**
 * Runs `load` on every system at once and charges each mode's `CpuPerRequest` what its system used: its
 * own processes' CPU, and a share of the database server's CPU (net of the idle background) in
 * proportion to the requests it served — every system's requests make the same queries, whatever its
 * tracing. All systems meet the same machine at the same moment: whatever slows one slice down (the
 * other vCPU busy, a neighbour on the host, the database's background work) slows all four alike, and
 * cancels from their ratios.
 */
async function together<T extends { sent: number }>(
  running: readonly Running[],
  cpu: Map<Mode, CpuPerRequest>,
  idleDbMsPerSec: number,
  load: (r: Running) => Promise<T>,
): Promise<T[]> {
  const before = running.map(cpuNow);
  const db = { ms: databaseCpuMs(), at: performance.now() };
  const results = await Promise.all(running.map(load));
  const after = running.map(cpuNow);
  const database = databaseCpuMs() - db.ms - (idleDbMsPerSec * (performance.now() - db.at)) / 1_000;
  const shares = shareByRequests(
    database,
    results.map((r) => r.sent),
  );
  for (const [i, r] of running.entries()) {
    const [b, a] = [before[i]!, after[i]!];
    cpu.get(r.mode)!.add({
      gateway: a.gateway - b.gateway,
      subgraphs: a.subgraphs - b.subgraphs,
      nats: a.nats - b.nats,
      database: shares[i]!,
      requests: results[i]!.sent,
    });
  }
  return results;
}

/** The receiver process and how many spans it has counted per endpoint. */
async function startReceiver(): Promise<{ url: string; counts: () => Promise<Record<string, number>>; stop: () => Promise<void> }> {
  const port = await freePort();
  const proc = new ManagedProcess(
    'otlp-receiver',
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench', 'otlp-receiver.ts'), String(port)],
    join(testTmpDir('shop-otlp-'), 'otlp-receiver.log'),
    process.env,
    ROOT,
  );
  const url = `http://127.0.0.1:${port}`;
  const counts = async () => (await (await fetch(`${url}/counts`)).json()) as Record<string, number>;
  await waitFor('the OTLP receiver', () => counts().then(() => true), {
    timeoutMs: 60_000,
    intervalMs: 200,
    failFast: () => proc.deathNotice(),
  });
  return { url, counts, stop: () => proc.stop() };
}

/**
 * A setup call through the gateway; an answer the gateway marks retryable (a subgraph that did not answer
 * in time, as on a loaded machine) is retried with the same variables, at most 10 times, 1 s apart.
 */
async function setupCall<TData, TVars extends Record<string, unknown>>(
  url: string,
  doc: TypedDocumentNode<TData, TVars>,
  variables: TVars,
  headers: Record<string, string> = {},
): Promise<TData> {
  for (let attempt = 1; ; attempt++) {
    const res = await call<TData>(url, print(doc), variables, headers);
    if (res.status === 200 && !res.errors && res.data) return res.data;
    if (attempt >= 10 || !res.errors?.every((e) => e.extensions?.retryable === true))
      throw new Error(`bench setup (attempt ${attempt}): HTTP ${res.status} ${JSON.stringify(res).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/**
 * The tracing variables of a mode, each of them set (empty when unused), so that a system restarted in
 * another mode keeps nothing of the one before.
 */
function tracingEnv(mode: Mode, receiverUrl: string): Record<string, string> {
  // The export delay is the default users run (OTEL_BSP_SCHEDULE_DELAY unset: 1 s).
  const unset = {
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
    OTEL_TRACES_SAMPLER: '',
    OTEL_TRACES_SAMPLER_ARG: '',
    OTEL_SDK_DISABLED: '',
    OTEL_BSP_SCHEDULE_DELAY: '',
  };
  return mode.endpoint
    ? { ...unset, OTEL_EXPORTER_OTLP_ENDPOINT: `${receiverUrl}/${mode.endpoint}`, ...mode.env }
    : { ...unset, OTEL_SDK_DISABLED: 'true' };
}

/** One system of processes for `mode`, with a NATS of its own, 10 products and a 10-line cart, and a product to buy per concurrent buyer. */
async function startMode(mode: Mode, mongoUrl: string, receiverUrl: string, opts: TracingOptions): Promise<Running> {
  const nats = await startBroker('test');
  const traced = tracingEnv(mode, receiverUrl);
  const profileDir = opts.profileDir && join(opts.profileDir, modeDir(mode));
  if (profileDir) {
    // A profile of an earlier run would be summarized as this one's.
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
  }
  // Fast settlement and relay so that a purchase waits on work, not on timers (as the in-process stack);
  // the load generator is one loopback client, which the gateway's default limits would refuse.
  const env = {
    ...traced,
    ...UNLIMITED_GATEWAY_RATES,
    SANDBOX_SETTLE_DELAY_MS: '50',
    SANDBOX_WEBHOOK_DELAY_MS: '200',
    OUTBOX_INTERVAL: '200ms',
  };
  let system: System | undefined;
  try {
    system = await startSystem({
      mongoUrl,
      natsUrl: nats.url,
      env,
      only: PROCESSES,
      built: true,
      startupMs: 300_000,
      node: opts.node,
      // Written when the process exits (the system's stop): V8's sampling profiler over the whole run.
      nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
    return {
      mode,
      nats,
      system,
      names: new Map(['gateway', ...PROCESSES].map((name) => [system!.pid(name)!, name])),
      ...(await seed(system, opts.concurrency)),
    };
  } catch (err) {
    // Not yet in the caller's list of running systems: nothing else would stop these.
    await system?.stop();
    await nats.stop();
    throw err;
  }
}

/** Through the gateway: 10 products in a 10-line cart, and one product per concurrent buyer. */
async function seed(system: System, buyers: number): Promise<Pick<Running, 'slug' | 'cartId' | 'productIds'>> {
  const admin = await system.bearer('bench-tracing', 'admin');
  const create = async (i: number, stock: number) => {
    const input = {
      sku: `TRB-${i}-${Date.now()}`,
      name: `Trace bench ${i}`,
      description: 'bench',
      price: 100 * i + 7,
      categorySlugs: [],
      initialStock: stock,
    };
    return (await setupCall(system.gatewayUrl, CreateProductDocument, { input }, admin)).createProduct.product!;
  };
  const lines = [];
  for (let i = 1; i <= 10; i++) lines.push({ product: await create(i, 1_000), quantity: 2 });
  const cart = await setupCall(
    system.gatewayUrl,
    CreateCartDocument,
    { input: { lines: lines.map((l) => ({ productId: l.product.id, quantity: l.quantity })) } },
    {},
  );
  const productIds = [];
  for (let i = 0; i < buyers; i++) productIds.push((await create(100 + i, 100_000)).id);
  return { slug: lines[0]!.product.slug, cartId: cart.createCart.cart!.id, productIds };
}

/**
 * Tracing's cost (issue 12 §4): four systems of processes as `npm start` runs them (built output), one
 * with tracing off, one exporting every trace, one exporting one trace in ten (parent-based ratio), the
 * traced ones exporting OTLP (http/protobuf, the default) to a receiver process that counts the spans,
 * and a second one with tracing off, whose distance from the first is the run's noise. Measured in
 * slices during which all four systems are loaded at once (`together`): product(slug) and a 10-line cart
 * through the gateway (autocannon), then whole purchases (cart → checkout → payOrder → PAID). Between
 * phases, each system is restarted in another mode (a crossover, bench/tracing-modes.ts), unless profiled.
 */
export async function runTracingBench(
  mongoUrl: string,
  say: (msg: string) => void,
  opts: TracingOptions,
): Promise<{ rows: Record<string, string | number>[]; note: string }> {
  const modes = tracingModes(opts.ratios);
  const receiver = await startReceiver();
  const running: Running[] = [];
  let finished = false;
  try {
    for (const mode of modes) {
      say(`tracing: starting the system with tracing ${mode.name}…`);
      running.push(await startMode(mode, mongoUrl, receiver.url, opts));
    }
    const rounds = opts.rounds ?? DEFAULT_ROUNDS;
    // A crossover (bench/tracing-modes.ts): between phases every system is restarted in another mode, so that
    // whatever tells one system from another weighs on both sides of a ratio. A profiled run keeps each
    // system in its mode: its profiles are per mode.
    const plan = phasePlan(rounds, modes.length, { profiled: Boolean(opts.profileDir) });
    const { phases } = plan;
    const phaseRounds = plan.roundsOf;
    const off = modes[0]!;
    /** Each measured slice of a load case: the case's seconds spread over its rounds. */
    const seconds = Math.max(opts.seconds / rounds, MIN_SLICE_S);
    const purchaseSeconds = purchaseSliceSeconds(seconds);
    /** Purchases on one system, `opts.concurrency` at a time, started for `forSeconds` (those under way then finish). */
    const buyFor = (r: Running, forSeconds: number) =>
      purchase(r.system, say, r.productIds, Number.POSITIVE_INFINITY, { stopAt: performance.now() + forSeconds * 1_000 });
    const loadCases = [
      {
        key: 'product',
        name: `product(slug), ${CONNECTIONS} at a time`,
        load: (r: Running) => ({
          body: { query: print(ProductDocument), variables: { slug: r.slug } },
          rampMs: 500,
          connections: CONNECTIONS,
        }),
      },
      {
        // One connection: each process works on one request at a time, so its CPU per request is the cost of
        // that request alone, without the batching and contention of concurrent load.
        key: 'product-serial',
        name: 'product(slug), one request at a time',
        load: (r: Running) => ({ body: { query: print(ProductDocument), variables: { slug: r.slug } }, rampMs: 500, connections: 1 }),
      },
      {
        key: 'cart',
        name: 'guest cart of 10 lines',
        load: (r: Running) => ({
          body: { query: print(CartDocument), variables: { id: r.cartId } },
          rampMs: 1_500,
          connections: CONNECTIONS,
        }),
      },
    ].filter((c) => opts.cases.includes(c.key as TracingCase));
    const withPurchases = opts.cases.includes('purchases');
    const perMode = <T>(make: () => T) => new Map(modes.map((m) => [m, make()]));
    const measures = new Map(
      loadCases.map((c) => [c.key, { samples: perMode(() => new Samples()), cpu: perMode(() => new CpuPerRequest()), spans: {} }]),
    );
    const buying = {
      rates: perMode(() => [] as number[]),
      latencies: perMode(() => [] as number[]),
      failures: perMode(() => 0),
      cpu: perMode(() => new CpuPerRequest()),
      spans: {} as Record<string, number>,
    };

    for (let phase = 0; phase < phases; phase++) {
      if (phase > 0) {
        for (const [i, r] of running.entries()) r.mode = modes[plan.modeOf(i, phase)]!;
        say(`tracing: restarting the systems in ${running.map((r) => r.mode.name).join(', ')}…`);
        await Promise.all(running.map((r) => r.system.restartAll(tracingEnv(r.mode, receiver.url))));
      }
      const of = phases > 1 ? ` (phase ${phase + 1} of ${phases})` : '';
      // Fresh processes run cold (nothing compiled yet; the first phase's have served only the seeding):
      // each case on every system at once, not measured.
      say(`tracing: warming up, ${WARM_UP_S} s per case${of}…`);
      for (const c of loadCases) await Promise.all(running.map((r) => slice(r.system.gatewayUrl, c.load(r), WARM_UP_S)));
      if (withPurchases) await Promise.all(running.map((r) => buyFor(r, WARM_UP_S)));
      for (const c of loadCases) {
        say(`tracing: ${c.name} through the gateway, ${slices(phaseRounds(phase))}${of}…`);
        const m = measures.get(c.key)!;
        const spansBefore = await receiver.counts();
        const idleDb = await idleDatabaseMsPerSec();
        for (let round = 0; round < phaseRounds(phase); round++) {
          const results = await together(running, m.cpu, idleDb, (r) =>
            slice(r.system.gatewayUrl, c.load(r), seconds, m.samples.get(r.mode)),
          );
          for (const [i, res] of results.entries())
            if (res.errors || res.non2xx)
              throw new Error(`${c.name}, tracing ${running[i]!.mode.name}: ${res.errors} errors, ${res.non2xx} non-2xx`);
        }
        addCounts(m.spans, await settledSpans(receiver.counts, spansBefore));
      }
      if (!withPurchases) continue;
      say(`tracing: purchases, ${opts.concurrency} at a time on each system, ${slices(phaseRounds(phase))} of ${purchaseSeconds} s${of}…`);
      const spansBefore = await receiver.counts();
      const idleDb = await idleDatabaseMsPerSec();
      for (let round = 0; round < phaseRounds(phase); round++) {
        const runs = await together(running, buying.cpu, idleDb, async (r) => {
          const run = await buyFor(r, purchaseSeconds);
          return { ...run, sent: paidCount(run) };
        });
        for (const [i, run] of runs.entries()) {
          const mode = running[i]!.mode;
          buying.rates.get(mode)!.push(run.sent / run.seconds);
          buying.latencies.get(mode)!.push(...run.latencies);
          buying.failures.set(mode, buying.failures.get(mode)! + run.unpaid + [...run.failed.values()].reduce((a, b) => a + b, 0));
        }
      }
      addCounts(buying.spans, await settledSpans(receiver.counts, spansBefore));
    }

    const rows: Record<string, string | number>[] = [];
    for (const c of loadCases) {
      const m = measures.get(c.key)!;
      for (const mode of modes)
        rows.push({
          ...row(c.name, mode, m.samples.get(mode)!.result(), pairedRatio(m.samples.get(mode)!.rates, m.samples.get(off)!.rates), m.spans),
          ...m.cpu.get(mode)!.columns(m.cpu.get(off)!),
        });
    }
    if (withPurchases)
      for (const mode of modes) {
        const sorted = [...buying.rates.get(mode)!].sort((a, b) => a - b);
        const lat = [...buying.latencies.get(mode)!].sort((a, b) => a - b);
        const m = { requestsPerSec: percentile(sorted, 50), p50: Math.round(percentile(lat, 50)), p99: Math.round(percentile(lat, 99)) };
        rows.push({
          ...row(
            `purchases (cart → PAID), ${buying.failures.get(mode)} failed`,
            mode,
            m,
            pairedRatio(buying.rates.get(mode)!, buying.rates.get(off)!),
            buying.spans,
          ),
          'req/s': `${m.requestsPerSec.toFixed(1)} purchases/s`,
          ...buying.cpu.get(mode)!.columns(buying.cpu.get(off)!),
        });
      }
    finished = true;
    return { rows, note: tracingNote(rounds, phases, opts.ratios, seconds) };
  } finally {
    for (const r of running) {
      await r.system.stop();
      await r.nats.stop();
    }
    await receiver.stop();
    if (finished && opts.profileDir) say(summarizeProfiles(opts.profileDir, running));
  }
}

/** Adds `more`'s counts into `into`, key by key. */
function addCounts(into: Record<string, number>, more: Record<string, number>): void {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
}

const modeDir = (mode: Mode) => mode.name.replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '');

/** Tracing's own code (the SDK and instrumentations), and the async context it needs (AsyncLocalStorage on Node 20's async hooks). */
const TRACING_CODE = /^@opentelemetry\//;
const ASYNC_CONTEXT = /^node:(internal\/async_hooks|internal\/async_local_storage|async_hooks)/;

/**
 * Per mode and process, from the `--cpu-prof` files the services wrote when they stopped (the whole run):
 * the time spent loading modules at start, and of the rest (serving, background work) the share in
 * OpenTelemetry's code, the share in Node's async hooks (AsyncLocalStorage on Node 20), and the top
 * self-time functions. Start-up is left out of the shares: it loads the SDK once and would otherwise
 * outweigh what tracing costs per request. Written to `<profileDir>/summary.md` too.
 */
function summarizeProfiles(profileDir: string, running: Running[]): string {
  const lines = ['#### tracing: where each process spends its CPU after start-up (V8 sampling profiler)', ''];
  for (const r of running) {
    const dir = join(profileDir, modeDir(r.mode));
    lines.push(`tracing ${r.mode.name} (${dir}):`, '');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
      // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile
      const pid = Number(file.split('.')[3]);
      const name = r.names.get(pid);
      if (!name) continue;
      const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
      const startup = startupNodes(profile);
      const sampledMs = codeShare(profile, ROOT, () => false).total; // every sample but idle, loading included
      const otel = codeShare(profile, ROOT, (url) => TRACING_CODE.test(url), startup);
      const hooks = codeShare(profile, ROOT, (url) => ASYNC_CONTEXT.test(url), startup);
      const pct = (ms: number) => `${((100 * ms) / (otel.total || 1)).toFixed(1)} %`;
      const { top } = topSelfTime(profile, ROOT, 5, startup);
      lines.push(
        `- ${name}: ${Math.round(sampledMs - otel.total)} ms loading modules, ${Math.round(otel.total)} ms after; in @opentelemetry ${pct(otel.matched)}, in async hooks ${pct(hooks.matched)}; top self: ${top
          .map((t) => `${t.frame} ${pct(t.ms)}`)
          .join('; ')}`,
      );
    }
    lines.push('');
  }
  const text = lines.join('\n');
  writeFileSync(join(profileDir, 'summary.md'), `${text}\n`);
  return text;
}

function row(name: string, mode: Mode, m: Measured, vsOff: PairedRatio, spans: Record<string, number>): Record<string, string | number> {
  return {
    case: name,
    tracing: mode.name,
    'req/s': m.requestsPerSec,
    'p50 ms': m.p50,
    'p99 ms': m.p99,
    'throughput vs off (95 % CI)': formatRatio(vsOff),
    'spans received': mode.endpoint ? (spans[mode.endpoint] ?? 0) : '—',
  };
}

const slices = (n: number) => `${n} slice${n === 1 ? '' : 's'}`;

/** Spans received since `before`, per endpoint, once the exporters' batches have arrived (no change for 2 s). */
async function settledSpans(
  counts: () => Promise<Record<string, number>>,
  before: Record<string, number>,
): Promise<Record<string, number>> {
  let last = JSON.stringify(await counts());
  // Bounded: a process exporting spans of its own all the time would otherwise never let the count settle.
  // Stable for longer than the exporters' batching delay (1 s, the default the systems run).
  const deadline = Date.now() + 15_000;
  for (let stable = 0; stable < 4 && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = JSON.stringify(await counts());
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  const after = JSON.parse(last) as Record<string, number>;
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
}

/** Printed under the table. */
export const tracingNote = (
  rounds: number,
  phases = 1,
  ratios: readonly [number, number] = DEFAULT_RATIOS,
  sliceSeconds = MIN_SLICE_S,
): string =>
  [
    'Four systems of the processes a purchase needs (gateway, the five subgraphs, the payment sandbox; each its own Node process as',
    '`npm start` runs it, built, with its own NATS and databases on one database server): tracing off (`OTEL_SDK_DISABLED=true`);',
    `on with ${ratios.map(samplerText).join('; on with ')}; off`,
    'again, whose ratio to the first ("A/A") is the noise of the run: a cost smaller than that gap is not measured. The',
    'traced ones export OTLP (http/protobuf, the default) to a receiver process (`bench/otlp-receiver.ts`) that counts the spans it receives:',
    '"spans received" is what arrived during the case, the proof that tracing was on.',
    `The four systems are loaded at the same time, in ${rounds} slices of ${sliceSeconds} s per case (purchases: ${purchaseSliceSeconds(sliceSeconds)} s),`,
    `after ${WARM_UP_S} s of unmeasured load per case whenever their processes have just started: whatever slows the machine during a slice`,
    "(the other vCPU busy, the host, the database's background work) slows all four alike. Measured one after another, two slices of the",
    'same system differed by up to 25 % in CPU per request.',
    `${CONNECTIONS} connections per system (20 in all), or one each ("one request at a time"); purchases: the checkout section's guest purchases,`,
    `${CONNECTIONS} buyers per system started until the slice's end (one product per buyer, polling for PAID every 20 ms), the sandbox settling after`,
    '50 ms and calling the webhook after 200 ms; p50/p99 are payOrder → PAID. req/s is the median of the slices, latencies are pooled.',
    ...(phases === 4
      ? [
          `Crossover, a Latin square: the rounds ran in ${phases} phases, and between phases every system was restarted in another mode, so`,
          'that every system ran every mode once and what tells one system from another weighs on every mode alike (the A/A row',
          'compares two modes that ran on all four systems: its interval is the noise that includes them).',
        ]
      : phases > 1
        ? [
            `Crossover: halfway through the rounds every system was restarted in another mode (off ↔ ${percent(ratios[1])}, ${percent(ratios[0])} ↔ A/A), so each of those`,
            'modes ran on two systems and what tells one system from another weighs on both sides of a ratio (the A/A row then compares',
            'two different systems: its interval is the noise that includes them).',
          ]
        : []),
    '"vs off" ratios pair each slice with the off system\'s slice of the same moment: the geometric mean of the slices\' ratios and its 95 %',
    "confidence interval (Student's t): a cost is measured when the interval excludes 1, and the A/A row's interval shows the run's noise.",
    "CPU per request is each group's CPU time (/proc) over a mode's slices divided by the requests sent in them (purchases: paid",
    "purchases): the gateway, the subgraphs, and the system's nats-server plus its share of the database server, whose CPU net of the",
    "systems' idle background (measured for 3 s before the case) is shared in proportion to the requests served: every request makes the",
    'same queries, whatever its tracing. "services CPU/req vs off" is the gateway and the subgraphs alone, the processes tracing runs in:',
    'the stricter ratio. "CPU/req vs off" is what a request costs the whole system.',
  ].join(' ');

const samplerText = (ratio: number) =>
  ratio === 1 ? '`OTEL_TRACES_SAMPLER=parentbased_always_on`' : `\`parentbased_traceidratio\` and \`OTEL_TRACES_SAMPLER_ARG=${ratio}\``;
