import autocannon from 'autocannon';
import { assertLoopback } from './lib.js';

/** What one slice sends: a fixed body, or a new one per request (`next`). */
export interface SliceLoad {
  body: unknown;
  /** Called for every request autocannon sends, for cases whose body must differ each time. */
  next?: () => unknown;
  headers?: Record<string, string>;
  /** Concurrent connections (20 unless given). */
  connections?: number;
  /** Unmeasured start of the slice, at least one latency. */
  rampMs: number;
}

/** One case's slices: the latencies of all, and each slice's throughput. */
export class Samples {
  latencies: number[] = [];
  rates: number[] = [];
  /** Requests/s is the median of the slices' (a slice that met a burst of other load on the machine does not move it); latencies are pooled. */
  result(): Measured {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);
    const rates = [...this.rates].sort((a, b) => a - b);
    const mid = rates.length / 2;
    const median = rates.length % 2 ? rates[Math.floor(mid)]! : (rates[mid - 1]! + rates[mid]!) / 2;
    return { requestsPerSec: Math.round(median), p50: at(0.5), p99: at(0.99) };
  }
}

export interface Measured {
  requestsPerSec: number;
  p50: number;
  p99: number;
}

/**
 * One bounded autocannon run (loopback only), like `load` in lib.ts; with `into`, the responses that
 * complete after the ramp and their time are added there (steady state: a slice that starts with no
 * request in flight would otherwise count one latency's worth of time with no responses). `sent`
 * counts every request sent in the slice, ramp included, answered or not when it ended.
 */
export async function slice(
  url: string,
  load: SliceLoad,
  measuredSeconds: number,
  into?: Samples,
): Promise<{ errors: number; non2xx: number; sent: number }> {
  assertLoopback(url);
  const latencies: number[] = [];
  let from = Infinity;
  let to = 0;
  let sent = 0;
  const next = load.next;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        connections: load.connections ?? 20,
        duration: measuredSeconds + load.rampMs / 1000,
        // Stops within 0.1 s of `duration` (at the default 1 s sampling it rounds up to whole seconds).
        sampleInt: 100,
        headers: { 'content-type': 'application/json', ...load.headers },
        body: JSON.stringify(load.body),
        requests: [
          {
            setupRequest: (req) => {
              sent++;
              return next ? { ...req, body: JSON.stringify(next()) } : req;
            },
          },
        ],
      },
      (err: unknown, res) => (err ? reject(err instanceof Error ? err : new Error('autocannon failed', { cause: err })) : resolve(res)),
    );
    from = performance.now() + load.rampMs;
    instance.on('response', (_client, _status, _bytes, ms) => {
      const now = performance.now();
      if (now < from) return;
      latencies.push(ms);
      to = now;
    });
  });
  if (into) {
    into.rates.push(to > from ? latencies.length / ((to - from) / 1000) : 0);
    into.latencies.push(...latencies);
  }
  return { errors: result.errors + result.timeouts, non2xx: result.non2xx, sent };
}

/** Student's t, two-sided 95 %, by degrees of freedom (1–30; 1.96 beyond). */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export interface PairedRatio {
  /** The geometric mean of the per-round ratios. */
  ratio: number;
  /** Its 95 % confidence interval (Student's t over the logarithms of the ratios); NaN with fewer than 2 rounds. */
  low: number;
  high: number;
}

/**
 * `values` over `base`, round by round: slices of the same round ran next to each other (A B C D D C B A …),
 * so each round's ratio is free of what drifted between rounds, and the rounds' spread says how far the
 * run can be trusted. A cost is measured when the interval excludes 1 — and an A/A pair's interval
 * should contain it.
 */
export function pairedRatio(values: readonly number[], base: readonly number[]): PairedRatio {
  if (values.length !== base.length || values.length === 0) throw new Error(`pairedRatio: ${values.length} values against ${base.length}`);
  const logs = values.map((v, i) => Math.log(v / base[i]!));
  const n = logs.length;
  const mean = logs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { ratio: Math.exp(mean), low: NaN, high: NaN };
  const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = (T95[n - 2] ?? 1.96) * (sd / Math.sqrt(n));
  return { ratio: Math.exp(mean), low: Math.exp(mean - half), high: Math.exp(mean + half) };
}

/** `0.962 (0.941–0.984)`. */
export const formatRatio = ({ ratio, low, high }: PairedRatio): string =>
  Number.isNaN(low) ? ratio.toFixed(3) : `${ratio.toFixed(3)} (${low.toFixed(3)}–${high.toFixed(3)})`;

/**
 * A shared server's CPU over a slice in which several systems ran at once, split between them in
 * proportion to the requests each sent (they make the same queries); all zero when none sent any.
 */
export function shareByRequests(ms: number, sent: readonly number[]): number[] {
  const total = sent.reduce((a, b) => a + b, 0);
  return sent.map((n) => (total ? (ms * n) / total : 0));
}
