/**
 * `node scripts/bootstrap.mjs usage [purchases] [concurrency]` (or `pnpm exec tsx scripts/src/usage.ts`):
 * what each process of the system uses under a purchase load, for the Helm chart's requests and
 * limits and the capacity table (deploy/README.md). Starts the system as `npm start` does (built
 * services, one process each, on a free block of loopback ports, state in a temporary directory),
 * drives purchases through the gateway with the chaos run's client and purchase mix, and reads /proc:
 * CPU time per process (with its children: the renderer's Chromium) over the load, and peak
 * proportional set size (PSS, so pages Chromium's processes share are counted once).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, ROOT, startBroker, startDatabase, testTmpDir, UNLIMITED_GATEWAY_RATES } from '@shop/harness';
import { driveLoad, planPurchases, shopClient } from './chaos/load.js';
import { seededRandom } from './chaos/options.js';

const PROCESSES = ['gateway', 'product', 'cart', 'order', 'payment', 'invoice', 'messaging', 'invoice-renderer'];
const ENTRY: Record<string, string> = Object.fromEntries(
  PROCESSES.map((p) => [
    p,
    p === 'gateway'
      ? 'gateway/dist/index.js'
      : `${p === 'messaging' || p === 'invoice-renderer' ? 'workers' : 'subgraphs'}/${p}/dist/index.js`,
  ]),
);
const purchases = Number(process.argv[2] ?? 40);
const concurrency = Number(process.argv[3] ?? 4);
const TICK_MS = 10; // CLK_TCK 100 on Linux
const say = (line: string) => process.stderr.write(`» ${line}\n`);

interface Proc {
  pid: number;
  ppid: number;
  cmdline: string;
  cpuMs: number;
}

function procs(): Proc[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const cmdline = readFileSync(`/proc/${d}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return [{ pid: Number(d), ppid: Number(f[1]), cmdline, cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS }];
      } catch {
        return []; // ended between listing and reading
      }
    });
}

/** Each service's process and its descendants (Chromium under the renderer). */
function tree(all: Proc[], service: string): Proc[] {
  const root = all.find((p) => p.cmdline.includes(join(ROOT, ENTRY[service]!)));
  if (!root) return [];
  const mine = new Set([root.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) if (!mine.has(p.pid) && mine.has(p.ppid)) grew = Boolean(mine.add(p.pid));
  }
  return all.filter((p) => mine.has(p.pid));
}

const pssMb = (pid: number) => {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
};

async function main(): Promise<void> {
  const basePort = 20_000 + ((await freePort()) % 20_000);
  const stateDir = testTmpDir('shop-usage-');
  // A database and NATS of its own on free ports: never one that another checkout's `npm start` left on 27017/4222.
  const [db, nats] = await Promise.all([startDatabase('test'), startBroker('test')]);
  const gatewayUrl = `http://127.0.0.1:${basePort}/graphql`;
  let start: ReturnType<typeof spawn> | undefined;
  try {
    // `npm start` itself (the services are already built: `node scripts/bootstrap.mjs usage` builds first).
    start = spawn(process.execPath, ['--import', 'tsx', 'scripts/src/start.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        MONGODB_URL: db.url,
        NATS_URL: nats.url,
        NODE_OPTIONS: '--conditions=shop-source',
        SHOP_BASE_PORT: String(basePort),
        SHOP_STATE_DIR: stateDir,
        LOG_LEVEL: 'warn',
        // One loopback client drives the load, which the gateway's default limits would refuse.
        ...UNLIMITED_GATEWAY_RATES,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      start!.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('Shop Supergraph is running')) resolve();
      });
      start!.once('exit', (code) => reject(new Error(`npm start exited with ${code}`)));
    });
    const answer = (await (
      await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ products(first: 50) { edges { node { id availability { available } } } } }' }),
      })
    ).json()) as { data?: { products: { edges: { node: { id: string; availability: { available: number } } }[] } } };
    const ids = (answer.data?.products.edges ?? []).filter((e) => e.node.availability.available > 20).map((e) => e.node.id);
    if (ids.length === 0) throw new Error(`no product in stock: ${JSON.stringify(answer)}`);
    const before = procs();
    const cpuBefore = Object.fromEntries(PROCESSES.map((s) => [s, tree(before, s).reduce((n, p) => n + p.cpuMs, 0)]));
    const peak: Record<string, number> = Object.fromEntries(PROCESSES.map((s) => [s, 0]));
    const sampler = setInterval(() => {
      const all = procs();
      for (const s of PROCESSES)
        peak[s] = Math.max(
          peak[s]!,
          tree(all, s).reduce((n, p) => n + pssMb(p.pid), 0),
        );
    }, 500);
    const { client } = shopClient(gatewayUrl);
    const started = Date.now();
    const results = await driveLoad(planPurchases(purchases, ids, seededRandom(1)), {
      client,
      concurrency,
      spreadMs: 0,
      timing: { paidWaitMs: 120_000, pollMs: 1_000 },
      log: say,
    });
    const seconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    const after = procs();
    const completed = results.filter((r) => r.outcome !== 'failed').length;
    process.stdout.write(
      `\n${completed}/${purchases} purchases in ${seconds.toFixed(0)} s (${(completed / seconds).toFixed(2)}/s), concurrency ${concurrency}\n\n`,
    );
    process.stdout.write(
      '| process | CPU s | CPU ms per purchase | mean cores over the load | peak PSS MB |\n| --- | --- | --- | --- | --- |\n',
    );
    for (const s of PROCESSES) {
      const cpu = tree(after, s).reduce((n, p) => n + p.cpuMs, 0) - cpuBefore[s]!;
      const row = [
        s,
        (cpu / 1000).toFixed(1),
        (cpu / Math.max(1, completed)).toFixed(0),
        (cpu / 1000 / seconds).toFixed(2),
        peak[s]!.toFixed(0),
      ];
      process.stdout.write(`| ${row.join(' | ')} |\n`);
    }
  } finally {
    if (start && start.exitCode === null) {
      const exited = new Promise((r) => start!.once('exit', r));
      start.kill('SIGINT');
      await exited;
    }
    await Promise.all([db.stop(), nats.stop()]);
  }
}

await main();
