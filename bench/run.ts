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
import { runCatalogBench, runEntityBatchingBench } from './catalog.js';
import { runEventsBench } from './events.js';
import { runInvoiceRenderBench } from './invoice.js';
import { table } from './lib.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const record = process.argv.includes('--record');
const say = (msg: string) => process.stderr.write(`» ${msg}\n`);

const db = await startDatabase('test');
const broker = await startBroker('test');
const stack = await startStack(db.url, broker.url);
try {
  say('seeding the demo catalog…');
  await seedCatalog(stack.gatewayUrl, JWT_SECRET, say);
  const sections: string[] = [];
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, database: ${db.kind}`;
  say(`machine: ${machine}`);

  say(`catalog: gateway vs direct, 20 connections, ${seconds} s each…`);
  sections.push(
    `### Catalog reads: through the gateway vs straight at the product subgraph\n\n${table(await runCatalogBench(stack, stack.signingSecret, seconds))}`,
  );

  say('entity batching…');
  sections.push(
    `### Entity batching: database queries per \`_entities\` request\n\n${table(await runEntityBatchingBench(stack, stack.signingSecret, [10, 50, 200]))}`,
  );

  say('cart query with 1, 10 and 50 lines through the gateway…');
  sections.push(
    `### Cart query through the gateway (product calls per request must stay 1)\n\n${table(await runCartBench(stack, say, { seconds }))}`,
  );

  say('whole purchases: cart → checkout → payOrder → PAID…');
  sections.push(
    `### Purchases end to end through the gateway (payment sandbox settles by webhook)\n\n${table(await runCheckoutBench(stack, 60, 6))}`,
  );

  say('invoice PDFs: warm pool vs a browser per invoice…');
  sections.push(
    `### Invoice PDFs: the renderer's warm pool vs a browser launched per invoice (20 lines, concurrency 2)\n\n${table(await runInvoiceRenderBench({ invoices: 40, lines: 20, concurrency: 2 }))}\n\nPeak RSS sums VmRSS over Chromium's processes, so shared pages count more than once: compare the modes, do not read it as real usage.`,
  );

  // A broker of its own: the stack's consumers must not see these synthetic events.
  say('events through one consumer…');
  const nats = await startBroker('test');
  try {
    sections.push(`### Events through one JetStream consumer\n\n${table(await runEventsBench(nats.url, 5_000, 8))}`);
  } finally {
    await nats.stop();
  }

  const report = `Run on ${new Date().toISOString().slice(0, 10)}: ${machine}; autocannon, 20 connections, ${seconds} s per case, load generator on the same machine.\n\n${sections.join('\n\n')}\n`;
  process.stdout.write(`\n${report}`);
  if (record) {
    const readme = join(ROOT, 'bench', 'README.md');
    const text = readFileSync(readme, 'utf8');
    const start = text.indexOf('<!-- results -->');
    const end = text.indexOf('<!-- /results -->');
    if (start < 0 || end < 0) throw new Error('bench/README.md lacks the <!-- results --> markers');
    writeFileSync(readme, `${text.slice(0, start + 16)}\n${report}${text.slice(end)}`);
    say('recorded in bench/README.md');
  }
} finally {
  await stack.close();
  await broker.stop();
  await db.stop();
}
