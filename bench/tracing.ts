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
import { formatRatio, pairedRatio, Samples, slice, type Measured, type PairedRatio } from './slices.js';
import { cpuMsOf, databaseCpuMs } from './profile.js';
import { DEFAULT_RATIOS, percent, phasePlan, tracingModes, type Mode } from './tracing-modes.js';
import { codeShare, startupNodes, topSelfTime, type CpuProfile } from './cpuprofile.js';

/** Slices per case and mode by default, in alternating order (A B C D D C B A …); `BENCH_TRACING_ROUNDS` sets it. */
export const DEFAULT_ROUNDS = 4;
const MIN_SLICE_S = 2;
/** Load on each case, not measured, when a system's processes have just been restarted in another mode. */
const WARM_UP_S = 3;
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
  purchases: number;
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
  /** The system's own nats-server (none to read when the broker is an external one) and the database server the four systems share. */
  backing: number;
  at: number;
}

/** CPU time so far of each group's processes, and when it was read. */
function cpuNow(r: Running): CpuReading {
  const sum = (names: readonly string[]) =>
    names.reduce((total, name) => {
      const pid = r.system.pid(name);
      const ms = pid === undefined ? undefined : cpuMsOf(pid);
      if (ms === undefined) throw new Error(`tracing bench: ${name} is not running`);
      return total + ms;
    }, 0);
  const natsPid = r.nats.process?.pid;
  const natsMs = natsPid === undefined ? 0 : (cpuMsOf(natsPid) ?? 0);
  return {
    gateway: sum(CPU_GROUPS.gateway),
    subgraphs: sum(CPU_GROUPS.subgraphs),
    backing: natsMs + databaseCpuMs(),
    at: performance.now(),
  };
}

/**
 * The database's CPU per second while the four systems idle (their relays and sweepers polling): the
 * slices are measured one system at a time, so what the database does in a slice beyond this is that
 * slice's requests.
 */
async function idleDatabaseMsPerSec(): Promise<number> {
  const before = { ms: databaseCpuMs(), at: performance.now() };
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  return ((databaseCpuMs() - before.ms) * 1_000) / (performance.now() - before.at);
}

/**
 * CPU ms and requests a mode's slices have used and served: the gateway, the subgraphs, and what backs
 * them (the system's NATS, and the shared database net of its idle background). Their sum per request is
 * the whole system's cost of a request, steadier than a throughput on a machine whose load comes and
 * goes: a slice that met a burst of other work serves fewer requests but does not spend more per request.
 */
class CpuPerRequest {
  gateway = 0;
  subgraphs = 0;
  backing = 0;
  requests = 0;
  /** Each slice's CPU ms per request, all groups together, in slice order (paired with off's by round). */
  perSlice: number[] = [];
  async around<T extends { sent: number }>(r: Running, idleDbMsPerSec: number, run: () => Promise<T>): Promise<T> {
    const before = cpuNow(r);
    const result = await run();
    const after = cpuNow(r);
    const gateway = after.gateway - before.gateway;
    const subgraphs = after.subgraphs - before.subgraphs;
    const backing = after.backing - before.backing - (idleDbMsPerSec * (after.at - before.at)) / 1_000;
    this.gateway += gateway;
    this.subgraphs += subgraphs;
    this.backing += backing;
    this.requests += result.sent;
    this.perSlice.push((gateway + subgraphs + backing) / Math.max(result.sent, 1));
    return result;
  }
  columns(off: CpuPerRequest): Record<string, string> {
    const per = (ms: number) => (this.requests ? (ms / this.requests).toFixed(2) : '—');
    return {
      'gateway CPU ms/req': per(this.gateway),
      'subgraphs CPU ms/req': per(this.subgraphs),
      'NATS + database CPU ms/req': per(this.backing),
      'CPU/req vs off (95 % CI)': formatRatio(pairedRatio(this.perSlice, off.perSlice)),
    };
  }
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
  const unset = { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_TRACES_SAMPLER: '', OTEL_TRACES_SAMPLER_ARG: '', OTEL_SDK_DISABLED: '' };
  return mode.endpoint
    ? { ...unset, OTEL_EXPORTER_OTLP_ENDPOINT: `${receiverUrl}/${mode.endpoint}`, OTEL_BSP_SCHEDULE_DELAY: '1000', ...mode.env }
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
 * alternating slices: product(slug) and a 10-line cart through the gateway (autocannon), then whole
 * purchases (cart → checkout → payOrder → PAID). Between phases, each system is restarted in another
 * mode (a crossover, bench/tracing-modes.ts), unless profiled.
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
    const order = (round: number) => (round % 2 ? [...running].reverse() : running);
    const loadCases = [
      {
        key: 'product',
        name: 'product(slug)',
        load: (r: Running) => ({ body: { query: print(ProductDocument), variables: { slug: r.slug } }, rampMs: 500 }),
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
        load: (r: Running) => ({ body: { query: print(CartDocument), variables: { id: r.cartId } }, rampMs: 1_500 }),
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
        for (const [i, r] of running.entries()) {
          r.mode = modes[plan.modeOf(i, phase)]!;
          say(`tracing: restarting system ${i + 1} with tracing ${r.mode.name}…`);
          await r.system.restartAll(tracingEnv(r.mode, receiver.url));
        }
        // Fresh processes run cold (nothing compiled yet): each case once per system, not measured.
        for (const r of running) {
          for (const c of loadCases) await slice(r.system.gatewayUrl, c.load(r), WARM_UP_S);
          if (withPurchases) await purchase(r.system, say, r.productIds, opts.concurrency);
        }
      }
      const of = phases > 1 ? ` (phase ${phase + 1} of ${phases})` : '';
      for (const c of loadCases) {
        say(`tracing: ${c.name} through the gateway, ${phaseRounds(phase)} slices per mode${of}…`);
        const m = measures.get(c.key)!;
        const spansBefore = await receiver.counts();
        const idleDb = await idleDatabaseMsPerSec();
        for (let round = 0; round < phaseRounds(phase); round++)
          for (const r of order(round)) {
            const res = await m.cpu
              .get(r.mode)!
              .around(r, idleDb, () => slice(r.system.gatewayUrl, c.load(r), seconds, m.samples.get(r.mode)));
            if (res.errors || res.non2xx) throw new Error(`${c.name}, tracing ${r.mode.name}: ${res.errors} errors, ${res.non2xx} non-2xx`);
          }
        addCounts(m.spans, await settledSpans(receiver.counts, spansBefore));
      }
      if (!withPurchases) continue;
      say(`tracing: ${opts.purchases} purchases per slice, ${opts.concurrency} at a time, ${phaseRounds(phase)} slices per mode${of}…`);
      const spansBefore = await receiver.counts();
      const idleDb = await idleDatabaseMsPerSec();
      for (let round = 0; round < phaseRounds(phase); round++)
        for (const r of order(round)) {
          const run = await buying.cpu.get(r.mode)!.around(r, idleDb, async () => {
            const run = await purchase(r.system, say, r.productIds, opts.purchases);
            return { ...run, sent: paidCount(run) };
          });
          buying.rates.get(r.mode)!.push(paidCount(run) / run.seconds);
          buying.latencies.get(r.mode)!.push(...run.latencies);
          buying.failures.set(r.mode, buying.failures.get(r.mode)! + run.unpaid + [...run.failed.values()].reduce((a, b) => a + b, 0));
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
    return { rows, note: tracingNote(rounds, phases, opts.ratios) };
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

/** Spans received since `before`, per endpoint, once the exporters' batches have arrived (no change for 2 s). */
async function settledSpans(
  counts: () => Promise<Record<string, number>>,
  before: Record<string, number>,
): Promise<Record<string, number>> {
  let last = JSON.stringify(await counts());
  // Bounded: a process exporting spans of its own all the time would otherwise never let the count settle.
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
export const tracingNote = (rounds: number, phases = 1, ratios: readonly [number, number] = DEFAULT_RATIOS): string =>
  [
    'Four systems of the processes a purchase needs (gateway, the five subgraphs, the payment sandbox; each its own Node process as',
    '`npm start` runs it, built, with its own NATS and databases on one database server): tracing off (`OTEL_SDK_DISABLED=true`);',
    `on with ${ratios.map(samplerText).join('; on with ')}; off`,
    'again, whose ratio to the first ("A/A") is the noise of the run: a cost smaller than that gap is not measured. The',
    'traced ones export OTLP (http/protobuf, the default) to a receiver process (`bench/otlp-receiver.ts`) that counts the spans it receives:',
    '"spans received" is what arrived during the case, the proof that tracing was on. Cases are measured in alternating slices',
    `(A B C D D C B A …, ${rounds} per mode, at least ${MIN_SLICE_S} s each after a ramp); req/s is the median of the slices, latencies are pooled.`,
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
    '"vs off" ratios pair each slice with the off system\'s slice of the same round: the geometric mean of the rounds\' ratios and its 95 %',
    "confidence interval (Student's t): a cost is measured when the interval excludes 1, and the A/A row's interval shows the run's noise.",
    "Purchases: the checkout section's guest purchases (its concurrency, one product per buyer, polling for PAID every 20 ms), the sandbox",
    'settling after 50 ms and calling the webhook after 200 ms; purchases/s is the median of the slices, p50/p99 are payOrder → PAID.',
    "CPU per request is each group's CPU time (/proc) over all of a mode's slices divided by the requests sent in them (purchases: paid",
    "purchases): the gateway, the subgraphs, and the system's nats-server plus the shared database server net of the four systems' idle",
    'background (measured for 3 s before the case). "CPU/req vs off" pairs the slices\' sums the same way: what a request costs the',
    'whole system.',
  ].join(' ');

const samplerText = (ratio: number) =>
  ratio === 1 ? '`OTEL_TRACES_SAMPLER=parentbased_always_on`' : `\`parentbased_traceidratio\` and \`OTEL_TRACES_SAMPLER_ARG=${ratio}\``;
