import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createLogger } from '@shop/kit';
import { chromiumLaunchOptions } from '@shop/harness';
import { BrowserPool, invoiceHtml, renderPdf, type InvoiceSnapshot } from '@shop/invoice-renderer';

/**
 * Invoice PDFs per second: the renderer's real pool (one long-lived Chromium, `concurrency` long-lived
 * pages) vs a browser launched per invoice, both at the same concurrency, same template, same `renderPdf`
 * (so the same PDF options and offline page). Peak memory is the RSS of every Chromium process tree alive
 * (browser pid + descendants, from /proc/<pid>/status VmRSS) plus this Node process, sampled every 50 ms.
 *
 * Warm: the browser is launched and each page has rendered one invoice before timing starts (the
 * renderer launches up front and keeps its pages). Cold: per invoice, launch → page → render → close;
 * the latency is launch until the PDF is back, the throughput counts the close too.
 */

const RENDER_TIMEOUT_MS = 30_000; // the renderer's RENDER_TIMEOUT default
const PAGE_RECYCLE_JOBS = 200; // the renderer's PAGE_RECYCLE_JOBS default
const SAMPLE_MS = 50;

export function benchSnapshot(lines: number): InvoiceSnapshot {
  const taxRateBps = 2000;
  const items = Array.from({ length: lines }, (_, i) => {
    const unitPrice = 499 + ((i * 1_237) % 25_000);
    const quantity = 1 + (i % 4);
    const lineTotal = unitPrice * quantity;
    return {
      sku: `SKU-${String(10_000 + i)}`,
      name: `Product ${i + 1} — ${['Merino crew sweater', 'Espresso grinder', 'Trail running shoe', 'Cast iron skillet'][i % 4]}`,
      unitPrice,
      quantity,
      lineTotal,
      tax: Math.round((lineTotal * taxRateBps) / 10_000),
    };
  });
  const subtotal = items.reduce((s, l) => s + l.lineTotal, 0);
  const tax = items.reduce((s, l) => s + l.tax, 0);
  const address = (name: string) => ({
    name,
    line1: '12 Example Street',
    line2: 'Building B',
    city: 'Springfield',
    region: 'IL',
    postalCode: '62701',
    country: 'US',
  });
  return {
    id: randomUUID(),
    number: 'INV-2026-000042',
    orderId: randomUUID(),
    orderNumber: 'SO-2026-000042',
    issuedAt: '2026-03-01T10:00:00.000Z',
    currency: 'USD',
    taxRateBps,
    seller: {
      name: 'Shop Supergraph Inc.',
      email: 'billing@shop.example',
      address: address('Shop Supergraph Inc.'),
      taxId: 'US-123456789',
    },
    buyer: { name: 'Ada Lovelace', email: 'ada@example.com', address: address('Ada Lovelace'), taxId: null },
    lines: items,
    subtotal,
    tax,
    total: subtotal + tax,
  };
}

/** Sum of VmRSS (bytes) over `roots` and all their descendants. */
function treeRss(roots: number[]): number {
  if (roots.length === 0) return 0;
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  const seen = new Set<number>();
  const stack = [...roots];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    try {
      const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      // gone
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Samples Chromium trees + Node RSS until stopped; returns the peaks in bytes. */
function memorySampler(roots: () => number[]) {
  let peakTotal = 0;
  let peakChromium = 0; // both parts as of the sample with the largest total
  const sample = () => {
    const chromium = treeRss(roots());
    const total = chromium + process.memoryUsage().rss;
    if (total > peakTotal) {
      peakTotal = total;
      peakChromium = chromium;
    }
  };
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    sample,
    stop(): { peakTotal: number; peakChromium: number } {
      clearInterval(timer);
      sample();
      return { peakTotal, peakChromium };
    },
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function checkPdf(pdf: Buffer, mode: string): void {
  if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error(`${mode}: the output is not a PDF`);
}

/** Runs `count` jobs with at most `concurrency` at once; returns each job's duration (ms) and the wall time. */
async function runJobs(
  count: number,
  concurrency: number,
  job: (i: number) => Promise<number>,
): Promise<{ times: number[]; wallMs: number }> {
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) times.push(await job(next++));
    }),
  );
  return { times, wallMs: performance.now() - started };
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

export async function runInvoiceRenderBench(opts: {
  invoices: number;
  lines: number;
  concurrency: number;
  coldInvoices?: number;
}): Promise<Record<string, string | number>[]> {
  const log = createLogger('bench', 'silent');
  const snapshot = benchSnapshot(opts.lines);
  const html = invoiceHtml(snapshot, 'en-US');
  const label = snapshot.number;
  const coldInvoices = opts.coldInvoices ?? Math.max(1, Math.min(opts.invoices, 10));
  const poolOpts = (size: number) => ({ size, timeoutMs: RENDER_TIMEOUT_MS, recycleAfter: PAGE_RECYCLE_JOBS, log });

  // (a) warm: the renderer's pool, launched and its pages created before timing.
  const warmPool = new BrowserPool(chromiumLaunchOptions, poolOpts(opts.concurrency));
  let warm: { times: number[]; wallMs: number; peakTotal: number; peakChromium: number };
  try {
    await warmPool.current();
    await Promise.all(
      Array.from({ length: opts.concurrency }, () => renderPdf(warmPool, html, label, RENDER_TIMEOUT_MS).then((b) => checkPdf(b, 'warm'))),
    );
    const sampler = memorySampler(() => {
      const pid = warmPool.pid();
      return pid ? [pid] : [];
    });
    const run = await runJobs(opts.invoices, opts.concurrency, async () => {
      const t0 = performance.now();
      const pdf = await renderPdf(warmPool, html, label, RENDER_TIMEOUT_MS);
      const ms = performance.now() - t0;
      checkPdf(pdf, 'warm');
      return ms;
    });
    warm = { ...run, ...sampler.stop() };
  } finally {
    await warmPool.close();
  }

  // (b) cold: a browser launched (and closed) per invoice, same concurrency.
  const live = new Set<BrowserPool>();
  const sampler = memorySampler(() => [...live].map((p) => p.pid()).filter((pid): pid is number => pid !== undefined));
  let cold: { times: number[]; wallMs: number; peakTotal: number; peakChromium: number };
  try {
    const run = await runJobs(coldInvoices, opts.concurrency, async () => {
      const pool = new BrowserPool(chromiumLaunchOptions, poolOpts(1));
      live.add(pool);
      try {
        const t0 = performance.now();
        const pdf = await renderPdf(pool, html, label, RENDER_TIMEOUT_MS);
        const ms = performance.now() - t0;
        checkPdf(pdf, 'cold');
        sampler.sample(); // the browser is at its largest right now
        return ms;
      } finally {
        await pool.close();
        live.delete(pool);
      }
    });
    cold = { ...run, ...sampler.stop() };
  } finally {
    await Promise.all([...live].map((p) => p.close()));
  }

  const rate = (r: { times: number[]; wallMs: number }) => r.times.length / (r.wallMs / 1000);
  const ratio = rate(warm) / rate(cold);
  const row = (mode: string, r: typeof warm, vsCold: string) => {
    const sorted = [...r.times].sort((a, b) => a - b);
    return {
      mode,
      invoices: r.times.length,
      concurrency: opts.concurrency,
      'invoices/s': Number(rate(r).toFixed(2)),
      'p50 ms': Math.round(percentile(sorted, 50)),
      'p95 ms': Math.round(percentile(sorted, 95)),
      'peak RSS MB (Chromium + Node)': `${mb(r.peakTotal)} (${mb(r.peakChromium)} + ${mb(r.peakTotal - r.peakChromium)})`,
      'throughput vs cold': vsCold,
    };
  };
  return [
    row(`warm pool (${opts.concurrency} long-lived pages, ${opts.lines} lines)`, warm, `${ratio.toFixed(1)}×`),
    row(`browser per invoice (${opts.lines} lines)`, cold, '1.0×'),
  ];
}
