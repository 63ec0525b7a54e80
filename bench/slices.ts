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
