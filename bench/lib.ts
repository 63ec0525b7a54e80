import autocannon from 'autocannon';
import { profiled } from './profile.js';

export interface LoadResult {
  name: string;
  requestsPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Benchmarks only ever target this machine (loopback), never anything beyond it. */
export function assertLoopback(url: string): void {
  if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):/.test(url)) throw new Error(`benchmarks target loopback only, not ${url}`);
}

/**
 * Bounded load on one loopback endpoint: fixed connections and duration, POSTing one GraphQL body.
 * `headers` is called for every request autocannon sends (reconnects included), so it can sign each
 * one afresh (a subgraph accepts a signed context once).
 */
export async function load(
  name: string,
  url: string,
  body: unknown,
  opts: { headers?: () => Record<string, string>; connections?: number; seconds?: number } = {},
): Promise<LoadResult> {
  assertLoopback(url);
  const headers = opts.headers;
  const run = () =>
    autocannon({
      url,
      method: 'POST',
      connections: opts.connections ?? 20,
      duration: opts.seconds ?? 5,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...(headers ? { requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, ...headers() } }) }] } : {}),
    });
  const result = await profiled(name, run, (r) => r.requests.total);
  return {
    name,
    requestsPerSec: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export function table(rows: Record<string, string | number>[]): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]!);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`;
  return [line(cols), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join('\n');
}

/** The `p`th percentile of ascending `sorted` (the value at index ⌊p·n/100⌋); NaN when empty. */
export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** The shipping address bench checkouts use. */
export const BENCH_ADDRESS = { name: 'Bench Buyer', line1: '1 Loop Road', city: 'Localhost', postalCode: '12345', country: 'US' };
