/**
 * `npm run bench`: starts its own database and the supergraph on free loopback ports, seeds a catalog,
 * and measures (bounded in time, loopback only). Prints tables; `--record` also rewrites the results
 * section of bench/README.md. Numbers are ratios within one run on one machine, not promises.
 */
import { cpus, totalmem } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startBroker, startDatabase } from '@shop/harness';
import { seedCatalog } from '../scripts/src/seed.js';
import { JWT_SECRET, startStack } from '../e2e/support/stack.js';
import { runCartBench } from './cart.js';
import { runCheckoutBench } from './checkout.js';
import { runContentionBench } from './contention.js';
import { runCatalogBench, runEntityBatchingBench } from './catalog.js';
import { EDGE_NOTE, runEdgeBench } from './edge.js';
import { runEventsBench } from './events.js';
import { runInvoiceRenderBench } from './invoice.js';
import { runNumberingBench } from './numbering.js';
import { table } from './lib.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const record = process.argv.includes('--record');
const say = (msg: string) => process.stderr.write(`» ${msg}\n`);
/** `npm run bench -- edge cart` runs only those sections (all when none is named). */
const SECTIONS = ['catalog', 'batching', 'cart', 'checkout', 'invoice', 'events', 'edge', 'numbering', 'contention'] as const;
const picked = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const unknown = picked.filter((a) => !(SECTIONS as readonly string[]).includes(a));
if (unknown.length) throw new Error(`unknown bench section ${unknown.join(', ')}; one of: ${SECTIONS.join(', ')}`);
const want = (section: (typeof SECTIONS)[number]) => picked.length === 0 || picked.includes(section);

const db = await startDatabase('test');
const broker = await startBroker('test');
const stack = await startStack(db.url, broker.url);
try {
  say('seeding the demo catalog…');
  await seedCatalog(stack.gatewayUrl, JWT_SECRET, say);
  /** Each section's `### title` line and what follows it in the results. */
  const sections: { title: string; body: string }[] = [];
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, database: ${db.kind}`;
  say(`machine: ${machine}`);

  if (want('catalog')) {
    say(`catalog: gateway vs direct, 20 connections, ${seconds} s each…`);
    sections.push({
      title: 'Catalog reads: through the gateway vs straight at the product subgraph',
      body: table(await runCatalogBench(stack, stack.signer, seconds)),
    });
  }

  if (want('batching')) {
    say('entity batching…');
    sections.push({
      title: 'Entity batching: database queries per `_entities` request',
      body: table(await runEntityBatchingBench(stack, stack.signer, [10, 50, 200])),
    });
  }

  if (want('cart')) {
    say('cart query with 1, 10 and 50 lines through the gateway…');
    sections.push({
      title: 'Cart query through the gateway (product calls per request must stay 1)',
      body: table(await runCartBench(stack, say, { seconds })),
    });
  }

  if (want('checkout')) {
    say('whole purchases: cart → checkout → payOrder → PAID…');
    sections.push({
      title: 'Purchases end to end through the gateway (payment sandbox settles by webhook)',
      body: table(await runCheckoutBench(stack, 60, 6)),
    });
  }

  if (want('invoice')) {
    say('invoice PDFs: warm pool vs a browser per invoice…');
    sections.push({
      title: "Invoice PDFs: the renderer's warm pool vs a browser launched per invoice (20 lines, concurrency 2)",
      body: `${table(await runInvoiceRenderBench({ invoices: 40, lines: 20, concurrency: 2 }))}\n\nPeak RSS sums VmRSS over Chromium's processes, so shared pages count more than once: compare the modes, do not read it as real usage.`,
    });
  }

  if (want('events')) {
    // A broker of its own: the stack's consumers must not see these synthetic events.
    say('events through one consumer…');
    const nats = await startBroker('test');
    try {
      sections.push({ title: 'Events through one JetStream consumer', body: table(await runEventsBench(nats.url, 5_000, 8)) });
    } finally {
      await nats.stop();
    }
  }

  if (want('edge')) {
    say(`edge: persisted query by id vs query text, limits on and off, ${seconds} s per case in slices…`);
    sections.push({
      title: 'Edge: a partner persisted query by id vs the same query as text, query limits on and off',
      body: await runEdgeBench(stack, say, seconds).then(({ load, serial }) => `${table(load)}\n\n${table(serial)}\n\n${EDGE_NOTE}`),
    });
  }

  if (want('numbering')) {
    const opts = { writers: 20, seconds, history: 1_000 };
    say(`order numbering: ${opts.writers} writers on two stores, ${opts.history} orders before, ${seconds} s per numbering…`);
    sections.push({
      title: 'Order numbering on the store: 20 concurrent writers over two replicas, gapless checked',
      body: table(await runNumberingBench(db.url, opts)),
    });
  }

  if (want('contention')) {
    say('contention: 50 concurrent checkouts of one product, of 50 products, 50 adds to one cart…');
    sections.push({
      title: 'Contention through the gateway: 50 concurrent requests per case',
      body: table(await runContentionBench(stack, 50)),
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
} finally {
  await stack.close();
  await broker.stop();
  await db.stop();
}
