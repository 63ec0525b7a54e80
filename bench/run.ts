/**
 * `npm run bench`: starts its own database and the supergraph on free loopback ports, seeds a catalog,
 * and measures (bounded in time, loopback only). Prints tables; `--record` also rewrites the results
 * section of bench/README.md. Numbers are ratios within one run on one machine, not promises.
 */
import { cpus, totalmem } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dbBackend, ROOT, startBroker, startDatabase } from '@shop/harness';
import { seedCatalog } from '../scripts/src/seed.js';
import { startStack } from '../e2e/support/stack.js';
import { runCartBench } from './cart.js';
import { DB_NOTE, runDbBench } from './db.js';
import { runCheckoutBench } from './checkout.js';
import { runContentionBench } from './contention.js';
import { runCatalogBench, runEntityBatchingBench } from './catalog.js';
import { EDGE_NOTE, runEdgeBench } from './edge.js';
import { runEventsBench } from './events.js';
import { runInvoiceRenderBench } from './invoice.js';
import { runListingBench } from './listing.js';
import { PEERS_NOTE, runPeersBench } from './peers.js';
import { runNumberingBench } from './numbering.js';
import { storefrontBundleRows } from './storefront.js';
import { DEFAULT_ROUNDS, runTracingBench, TRACING_CASES, type TracingCase } from './tracing.js';
import { parseRatios, percent } from './tracing-modes.js';
import { ensureNode, NODE_RELEASES } from '../scripts/src/node-releases.js';
import { table } from './lib.js';
import { profiled, startProfiling } from './profile.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
/** Purchases per checkout run (concurrency 20), once on the fresh database and once after 10,000 stored orders. */
const purchases = Number(process.env.BENCH_PURCHASES ?? 200);
if (!Number.isInteger(purchases) || purchases < 20)
  throw new Error(`BENCH_PURCHASES must be an integer ≥ 20, not ${process.env.BENCH_PURCHASES}`);
/** `BENCH_CART_SIZES=10` measures only the 10-line cart (comma-separated line counts; default 1,10,50). */
const cartSizes = (process.env.BENCH_CART_SIZES ?? '1,10,50').split(',').map((n) => {
  const size = Number(n.trim());
  if (!Number.isInteger(size) || size < 1 || size > 50) throw new Error(`BENCH_CART_SIZES: ${n} is not a line count from 1 to 50`);
  return size;
});
const record = process.argv.includes('--record');
/** `--profile`: CPU profiles and CPU per request of every measured window (bench/profile.ts). */
const profiling = process.argv.includes('--profile');
// A profiled run pays for the profilers: its numbers are not the ones to record.
if (profiling && record) throw new Error('--profile and --record do not go together: record from a run without profilers');
const say = (msg: string) => process.stderr.write(`» ${msg}\n`);
/** `--node=24`: the tracing section's services run under that Node major (from the npm registry, cached). */
const nodeMajor = process.argv.find((a) => a.startsWith('--node='))?.slice('--node='.length);
/** That major's release (ensureNode checks the binary reports it). */
const servicesNode = nodeMajor === undefined ? undefined : NODE_RELEASES[nodeMajor];
if (nodeMajor !== undefined && !servicesNode)
  throw new Error(`--node=${nodeMajor}: one of ${Object.keys(NODE_RELEASES).join(', ')} (scripts/src/node-releases.ts)`);
/** `BENCH_TRACING_CASES=product` runs only those of the tracing section's cases (comma-separated). */
const tracingCases = (process.env.BENCH_TRACING_CASES ?? TRACING_CASES.join(',')).split(',').map((c) => {
  const name = c.trim();
  if (!(TRACING_CASES as readonly string[]).includes(name))
    throw new Error(`BENCH_TRACING_CASES: ${c} is not one of ${TRACING_CASES.join(', ')}`);
  return name as TracingCase;
});
/** `BENCH_TRACING_ROUNDS=8`: slices per case and mode in the tracing section (more slices, steadier medians, a longer run). */
const tracingRounds = (() => {
  const raw = process.env.BENCH_TRACING_ROUNDS?.trim();
  if (!raw) return DEFAULT_ROUNDS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2 || n > 20) throw new Error(`BENCH_TRACING_ROUNDS must be a whole number from 2 to 20, not "${raw}"`);
  return n;
})();
/** `BENCH_TRACING_RATIOS=0,0.1`: the two traced systems' sampling ratios (default 1,0.1), e.g. to see what the SDK costs recording nothing. */
const tracingRatios = parseRatios(process.env.BENCH_TRACING_RATIOS);
/** `npm run bench -- edge cart` runs only those sections (all when none is named). */
const SECTIONS = [
  'db',
  'catalog',
  'listing',
  'batching',
  'cart',
  'checkout',
  'invoice',
  'events',
  'edge',
  'peers',
  'numbering',
  'contention',
  'storefront',
  'tracing',
] as const;
const picked = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const unknown = picked.filter((a) => !(SECTIONS as readonly string[]).includes(a));
if (unknown.length) throw new Error(`unknown bench section ${unknown.join(', ')}; one of: ${SECTIONS.join(', ')}`);
const want = (section: (typeof SECTIONS)[number]) => picked.length === 0 || picked.includes(section);

/** Each section's `### title` line and what follows it in the results. */
const sections: { title: string; body: string }[] = [];
if (want('db')) {
  // Databases of its own, one configuration after another; before the stack, so nothing else runs.
  say(`db: query shapes on FerretDB over SQLite, PostgreSQL, PostgreSQL + GIN twins, ~${seconds} s each…`);
  sections.push({
    title: 'Database: FerretDB over SQLite vs PostgreSQL (one client, mongoose)',
    body: `${table(await runDbBench(seconds, say))}\n\n${DB_NOTE}`,
  });
}
if (want('storefront')) {
  // The built app (npm run bench builds it first): no stack needed, sizes are bytes, not timings.
  say('storefront: the first page’s JavaScript, gzipped…');
  sections.push({ title: 'Storefront: JavaScript of the first page (gzip -9)', body: table(storefrontBundleRows()) });
}
/** Sections that need no stack of their own. */
const STANDALONE = new Set<string>(['db', 'storefront']);
const onlyDb = picked.length > 0 && picked.every((s) => STANDALONE.has(s));
// The tracing section starts systems of its own (processes); it needs only the database server.
const noStack = picked.length > 0 && picked.every((s) => STANDALONE.has(s) || s === 'tracing');
const db = onlyDb ? undefined : await startDatabase('test');
const broker = noStack ? undefined : await startBroker('test');
const stack = db && broker ? await startStack(db.url, broker.url) : undefined;
const profileDir = join(ROOT, '.cache', 'bench', 'profiles');
const profiler = profiling ? await startProfiling(profileDir) : undefined;
/** Names the section the next profiled windows belong to; `whole` profiles the section as one window. */
const enter = <T>(section: string, run: () => Promise<T>, whole = false): Promise<T> => {
  if (profiler) profiler.section = section;
  return whole ? profiled(section, run, () => 0) : run();
};
try {
  const kind = db ? (db.backend ? `${db.kind} on ${db.backend}` : db.kind) : `ferretdb (default backend ${dbBackend()})`;
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, database: ${kind}`;
  say(`machine: ${machine}`);
  if (stack) {
    say('seeding the demo catalog…');
    await seedCatalog(stack.gatewayUrl, await stack.token('bench-seed', 'admin'), say);
  }
  /** The running stack; every section but db is only reached when one was started. */
  const running = stack && db ? Object.assign(stack, { dbUrl: db.url }) : undefined;
  const live = () => {
    if (!running) throw new Error('bench: this section needs the stack, which was not started');
    return running;
  };

  if (want('catalog')) {
    say(`catalog: gateway vs direct, 20 connections, ${seconds} s each…`);
    sections.push({
      title: 'Catalog reads: through the gateway vs straight at the product subgraph',
      body: table(await enter('catalog', () => runCatalogBench(live(), live().signer, seconds))),
    });
  }

  if (want('listing')) {
    // A broker of its own: the stack's product replicas must not follow these catalogs' events.
    const sizes = (process.env.BENCH_LISTING_SIZES ?? '216,2000,10000').split(',').map(Number);
    say(`listing: a sorted page with its count at ${sizes.join(', ')} products…`);
    const nats = await startBroker('test');
    try {
      const { rows, note } = await runListingBench(live().dbUrl, nats.url, sizes, seconds, say);
      sections.push({ title: 'Catalog listing: a sorted page with its count as the catalog grows', body: `${table(rows)}\n\n${note}` });
    } finally {
      await nats.stop();
    }
  }

  if (want('batching')) {
    say('entity batching…');
    sections.push({
      title: 'Entity batching: database queries per `_entities` request',
      body: table(await enter('batching', () => runEntityBatchingBench(live(), live().signer, [10, 50, 200]), true)),
    });
  }

  if (want('cart')) {
    say(`cart query with ${cartSizes.join(', ')} lines through the gateway…`);
    sections.push({
      title: 'Cart query through the gateway (product calls per request must stay 1)',
      body: table(await enter('cart', () => runCartBench(live(), say, { seconds, sizes: cartSizes }))),
    });
  }

  if (want('checkout')) {
    say('whole purchases: cart → checkout → payOrder → PAID…');
    sections.push({
      title: 'Purchases end to end through the gateway (payment sandbox settles by webhook)',
      body: table(await enter('checkout', () => runCheckoutBench(live(), say, purchases, 20))),
    });
  }

  if (want('invoice')) {
    say('invoice PDFs: warm pool vs a browser per invoice…');
    sections.push({
      title: "Invoice PDFs: the renderer's warm pool vs a browser launched per invoice (20 lines, concurrency 2)",
      body: `${table(await enter('invoice', () => runInvoiceRenderBench({ invoices: 40, lines: 20, concurrency: 2 }), true))}\n\nPeak RSS sums VmRSS over Chromium's processes, so shared pages count more than once: compare the modes, do not read it as real usage.`,
    });
  }

  if (want('events')) {
    // A broker of its own: the stack's consumers must not see these synthetic events.
    say('events through one consumer…');
    const nats = await startBroker('test');
    try {
      sections.push({
        title: 'Events through one JetStream consumer',
        body: table(await enter('events', () => runEventsBench(nats.url, 5_000, 8), true)),
      });
    } finally {
      await nats.stop();
    }
  }

  if (want('edge')) {
    say(`edge: persisted query by id vs query text, limits on and off, ${seconds} s per case in slices…`);
    sections.push({
      title: 'Edge: a partner persisted query by id vs the same query as text, query limits on and off',
      body: await enter('edge', () => runEdgeBench(live(), say, seconds), true).then(
        ({ load, serial }) => `${table(load)}\n\n${table(serial)}\n\n${EDGE_NOTE}`,
      ),
    });
  }

  if (want('peers')) {
    say(`peers: ours vs vanilla @apollo/gateway vs Hive Gateway, ${seconds} s per case in slices…`);
    sections.push({
      title: 'Peers: ours vs vanilla @apollo/gateway vs Hive Gateway over the same subgraphs',
      body: await enter('peers', () => runPeersBench(live(), say, seconds), true).then(
        ({ load, serial }) => `${table(load)}\n\n${table(serial)}\n\n${PEERS_NOTE}`,
      ),
    });
  }

  if (want('numbering')) {
    const opts = { writers: 20, seconds, history: 1_000 };
    say(`order numbering: ${opts.writers} writers on two stores, ${opts.history} orders before, ${seconds} s per numbering…`);
    sections.push({
      title: 'Order numbering on the store: 20 concurrent writers over two replicas, gapless checked',
      body: table(await runNumberingBench(live().dbUrl, opts)),
    });
  }

  if (want('contention')) {
    say('contention: 50 concurrent checkouts of one product, of 50 products, 50 adds to one cart…');
    sections.push({
      title: 'Contention through the gateway: 50 concurrent requests per case',
      body: table(await enter('contention', () => runContentionBench(live(), 50), true)),
    });
  }

  if (want('tracing')) {
    if (!db) throw new Error('bench: the tracing section needs the database server, which was not started');
    const node = servicesNode ? await ensureNode(servicesNode) : undefined;
    const nodeVersion = `v${servicesNode ?? process.versions.node}`;
    const opts = {
      seconds,
      // The four systems buy at once: 20 buyers in all.
      concurrency: 5,
      cases: tracingCases,
      rounds: tracingRounds,
      ratios: tracingRatios,
      node,
      // The services are processes of their own: each is profiled with --cpu-prof (the bench's own profiler sees only itself).
      profileDir: profiling ? join(profileDir, 'tracing') : undefined,
    };
    say(
      `tracing: off vs on (${percent(tracingRatios[0])}) vs on (${percent(tracingRatios[1])}) vs off again (A/A), four systems of processes on Node ${nodeVersion}, ${seconds} s per case in ${tracingRounds} slices per system…`,
    );
    const { rows, note } = await enter('tracing', () => runTracingBench(db.url, say, opts), !profiling);
    sections.push({
      // The services' Node is in the title when it is not the bench's, so that both can be recorded side by side.
      title: `Tracing: off vs on with ${percent(tracingRatios[0])} and ${percent(tracingRatios[1])} sampling (OTLP to a receiver process)${node ? `, services on Node ${nodeVersion}` : ''}`,
      body: `${table(rows)}\n\n${note}`,
    });
  }

  const header = `Run on ${new Date().toISOString().slice(0, 10)}: ${machine}; autocannon, 20 connections, ${seconds} s per case, load generator on the same machine.`;
  const block = (s: { title: string; body: string }) => `### ${s.title}\n\n${s.body}`;
  const report = `${header}\n\n${sections.map(block).join('\n\n')}\n`;
  process.stdout.write(`\n${report}`);
  if (record) {
    const readme = join(ROOT, 'bench', 'README.md');
    const text = readFileSync(readme, 'utf8');
    const start = text.indexOf('<!-- results -->');
    const end = text.indexOf('<!-- /results -->');
    if (start < 0 || end < 0) throw new Error('bench/README.md lacks the <!-- results --> markers');
    if (picked.length === 0) {
      writeFileSync(readme, `${text.slice(0, start + 16)}\n${report}${text.slice(end)}`);
    } else {
      // Only some sections ran: replace (or append) just theirs, each with its own date and machine line.
      let results = text.slice(start + 16, end);
      for (const s of sections) {
        const recorded = block({ title: s.title, body: `_${header}_\n\n${s.body}` });
        const at = results.indexOf(`### ${s.title}\n`);
        if (at < 0) {
          results = `${results.trimEnd()}\n\n${recorded}\n\n`;
        } else {
          const next = results.indexOf('\n### ', at + 1);
          results = `${results.slice(0, at)}${recorded}\n\n${next < 0 ? '' : results.slice(next + 1)}`;
        }
      }
      writeFileSync(readme, `${text.slice(0, start + 16)}${results}${text.slice(end)}`);
    }
    say('recorded in bench/README.md');
  }
  if (profiler) say(`profiles and summaries in ${profileDir} (open a .cpuprofile in Chrome DevTools or speedscope)`);
} finally {
  await profiler?.stop();
  await stack?.close();
  await broker?.stop();
  await db?.stop();
}
