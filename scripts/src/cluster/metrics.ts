/**
 * Each replica's share of the work, read from its own `/metrics` (docs/design.md §10): events handled
 * (`shop_event_handled_total{outcome="acked"}`), outbox records published (`shop_outbox_published_total`)
 * and GraphQL requests served (`shop_graphql_requests_total`). Counters restart at 0 with the process,
 * so the scraper keeps the last reading of every process (by pid) and adds them up.
 */

export interface Work {
  handled: number;
  published: number;
  requests: number;
}

const NO_WORK: Work = { handled: 0, published: 0, requests: 0 };

/**
 * Sum of every sample of counter `name` in a Prometheus text exposition whose labels include all of
 * `labels` (pure). `name_total{a="x",b="y"} 3` counts for `{ a: 'x' }`.
 */
export function sumCounter(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map([...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) sum += Number(m[3]);
  }
  return sum;
}

export const workOf = (text: string): Work => ({
  handled: sumCounter(text, 'shop_event_handled_total', { outcome: 'acked' }),
  published: sumCounter(text, 'shop_outbox_published_total'),
  requests: sumCounter(text, 'shop_graphql_requests_total'),
});

const add = (a: Work, b: Work): Work => ({
  handled: a.handled + b.handled,
  published: a.published + b.published,
  requests: a.requests + b.requests,
});

/** The last reading of each process of each replica, summed per replica. */
export class WorkLedger {
  private readonly readings = new Map<string, Map<number, Work>>();

  record(replica: string, pid: number, work: Work): void {
    const byPid = this.readings.get(replica) ?? new Map<number, Work>();
    byPid.set(pid, work);
    this.readings.set(replica, byPid);
  }

  total(replica: string): Work {
    return [...(this.readings.get(replica)?.values() ?? [])].reduce(add, NO_WORK);
  }

  /** How many processes of the replica were read (restarts + 1). */
  lives(replica: string): number {
    return this.readings.get(replica)?.size ?? 0;
  }
}

export interface ScrapeTarget {
  name: string;
  port: number;
  /** The replica's current pid, or undefined while it is down. */
  pid: () => number | undefined;
}

/** Reads every target's `/metrics` once into `ledger`; a replica that is down is skipped. */
export async function scrape(targets: readonly ScrapeTarget[], ledger: WorkLedger): Promise<void> {
  await Promise.all(
    targets.map(async (t) => {
      const pid = t.pid();
      if (pid === undefined) return;
      try {
        const res = await fetch(`http://127.0.0.1:${t.port}/metrics`, { signal: AbortSignal.timeout(5_000) });
        if (res.ok && t.pid() === pid) ledger.record(t.name, pid, workOf(await res.text()));
      } catch {
        // down or restarting: its last reading stands
      }
    }),
  );
}
