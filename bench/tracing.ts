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
import { Samples, slice, type Measured } from './slices.js';

/** Slices per case and mode, in alternating order (A B C C B A …). */
const ROUNDS = 4;
const MIN_SLICE_S = 2;
/** The processes a purchase up to PAID needs (renderer, messaging and mail are left out, as in the checkout section). */
const PROCESSES = ['payment-sandbox', 'product', 'cart', 'order', 'payment', 'invoice'];

interface Mode {
  name: string;
  /** The receiver's endpoint path for this mode's spans (none: tracing off). */
  endpoint?: string;
  env: Record<string, string>;
}
const MODES: Mode[] = [
  { name: 'off', env: {} },
  { name: 'on, sampling 100 %', endpoint: 'all', env: { OTEL_TRACES_SAMPLER: 'parentbased_always_on' } },
  {
    name: 'on, sampling 10 %',
    endpoint: 'tenth',
    env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
  },
];

interface Running {
  mode: Mode;
  nats: NatsInstance;
  system: System;
  slug: string;
  cartId: string;
  productIds: string[];
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

/** One system of processes for `mode`, with a NATS of its own, 10 products and a 10-line cart, and `buyers` products to buy. */
async function startMode(mode: Mode, mongoUrl: string, receiverUrl: string, buyers: number): Promise<Running> {
  const nats = await startBroker('test');
  const traced: Record<string, string> = mode.endpoint
    ? { OTEL_EXPORTER_OTLP_ENDPOINT: `${receiverUrl}/${mode.endpoint}`, OTEL_BSP_SCHEDULE_DELAY: '1000', ...mode.env }
    : { OTEL_SDK_DISABLED: 'true' };
  // Fast settlement and relay so that a purchase waits on work, not on timers (as the in-process stack);
  // the load generator is one loopback client, which the gateway's default limits would refuse.
  const env = {
    ...traced,
    ...UNLIMITED_GATEWAY_RATES,
    SANDBOX_SETTLE_DELAY_MS: '50',
    SANDBOX_WEBHOOK_DELAY_MS: '200',
    OUTBOX_INTERVAL: '200ms',
  };
  const system = await startSystem({ mongoUrl, natsUrl: nats.url, env, only: PROCESSES, built: true, startupMs: 300_000 }).catch(
    async (err: unknown) => {
      await nats.stop();
      throw err;
    },
  );
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
  return { mode, nats, system, slug: lines[0]!.product.slug, cartId: cart.createCart.cart!.id, productIds };
}

/**
 * Tracing's cost (issue 12 §4): three systems of processes as `npm start` runs them (built output), one
 * with tracing off, one exporting every trace, one exporting one trace in ten (parent-based ratio), all
 * exporting OTLP (http/protobuf, the default) to a receiver process that counts the spans. Measured in
 * alternating slices: product(slug) and a 10-line cart through the gateway (autocannon), then whole
 * purchases (cart → checkout → payOrder → PAID).
 */
export async function runTracingBench(
  mongoUrl: string,
  say: (msg: string) => void,
  opts: { seconds: number; purchases: number; concurrency: number },
): Promise<{ rows: Record<string, string | number>[]; note: string }> {
  const receiver = await startReceiver();
  const running: Running[] = [];
  try {
    for (const mode of MODES) {
      say(`tracing: starting the system with tracing ${mode.name}…`);
      running.push(await startMode(mode, mongoUrl, receiver.url, opts.concurrency));
    }
    const order = (round: number) => (round % 2 ? [...running].reverse() : running);
    const rows: Record<string, string | number>[] = [];
    const cases = [
      {
        name: 'product(slug)',
        load: (r: Running) => ({ body: { query: print(ProductDocument), variables: { slug: r.slug } }, rampMs: 500 }),
      },
      {
        name: 'guest cart of 10 lines',
        load: (r: Running) => ({ body: { query: print(CartDocument), variables: { id: r.cartId } }, rampMs: 1_500 }),
      },
    ];
    for (const c of cases) {
      say(`tracing: ${c.name} through the gateway, ${ROUNDS} slices per mode…`);
      const samples = new Map(running.map((r) => [r, new Samples()]));
      const spansBefore = await receiver.counts();
      for (let round = 0; round < ROUNDS; round++)
        for (const r of order(round)) {
          const res = await slice(r.system.gatewayUrl, c.load(r), Math.max(opts.seconds / ROUNDS, MIN_SLICE_S), samples.get(r));
          if (res.errors || res.non2xx) throw new Error(`${c.name}, tracing ${r.mode.name}: ${res.errors} errors, ${res.non2xx} non-2xx`);
        }
      const spans = await settledSpans(receiver.counts, spansBefore);
      const results = new Map(running.map((r) => [r, samples.get(r)!.result()]));
      for (const r of running) rows.push(row(c.name, r.mode, results.get(r)!, results.get(running[0]!)!, spans));
    }

    say(`tracing: ${opts.purchases} purchases per slice, ${opts.concurrency} at a time, ${ROUNDS} slices per mode…`);
    const rates = new Map(running.map((r) => [r, [] as number[]]));
    const latencies = new Map(running.map((r) => [r, [] as number[]]));
    const failures = new Map(running.map((r) => [r, 0]));
    const spansBefore = await receiver.counts();
    for (let round = 0; round < ROUNDS; round++)
      for (const r of order(round)) {
        const run = await purchase(r.system, say, r.productIds, opts.purchases);
        rates.get(r)!.push(paidCount(run) / run.seconds);
        latencies.get(r)!.push(...run.latencies);
        failures.set(r, failures.get(r)! + run.unpaid + [...run.failed.values()].reduce((a, b) => a + b, 0));
      }
    const spans = await settledSpans(receiver.counts, spansBefore);
    const measured = new Map(
      running.map((r) => {
        const sorted = [...rates.get(r)!].sort((a, b) => a - b);
        const lat = [...latencies.get(r)!].sort((a, b) => a - b);
        return [r, { requestsPerSec: percentile(sorted, 50), p50: Math.round(percentile(lat, 50)), p99: Math.round(percentile(lat, 99)) }];
      }),
    );
    for (const r of running) {
      const m = measured.get(r)!;
      const base = measured.get(running[0]!)!;
      rows.push({
        ...row(`purchases (cart → PAID), ${failures.get(r)} failed`, r.mode, m, base, spans),
        'req/s': `${m.requestsPerSec.toFixed(1)} purchases/s`,
      });
    }
    return { rows, note: TRACING_NOTE };
  } finally {
    for (const r of running) {
      await r.system.stop();
      await r.nats.stop();
    }
    await receiver.stop();
  }
}

function row(name: string, mode: Mode, m: Measured, off: Measured, spans: Record<string, number>): Record<string, string | number> {
  return {
    case: name,
    tracing: mode.name,
    'req/s': m.requestsPerSec,
    'p50 ms': m.p50,
    'p99 ms': m.p99,
    'throughput vs off': (m.requestsPerSec / off.requestsPerSec).toFixed(3),
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
export const TRACING_NOTE = [
  'Three systems of the processes a purchase needs (gateway, the five subgraphs, the payment sandbox; each its own Node process as',
  '`npm start` runs it, built, with its own NATS and databases on one database server): tracing off (`OTEL_SDK_DISABLED=true`);',
  'on with `OTEL_TRACES_SAMPLER=parentbased_always_on`; on with `parentbased_traceidratio` and `OTEL_TRACES_SAMPLER_ARG=0.1`. The',
  'traced ones export OTLP (http/protobuf, the default) to a receiver process (`bench/otlp-receiver.ts`) that counts the spans it receives:',
  '"spans received" is what arrived during the case, the proof that tracing was on. Cases are measured in alternating slices',
  `(A B C C B A …, ${ROUNDS} per mode, at least ${MIN_SLICE_S} s each after a ramp); req/s is the median of the slices, latencies are pooled.`,
  "Purchases: the checkout section's guest purchases (its concurrency, one product per buyer, polling for PAID every 20 ms), the sandbox",
  'settling after 50 ms and calling the webhook after 200 ms; purchases/s is the median of the slices, p50/p99 are payOrder → PAID.',
].join(' ');
