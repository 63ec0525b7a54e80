import { randomUUID } from 'node:crypto';
import { counter, isDuplicateKey, type Logger } from '@shop/kit';
import type { PartnerModels, UsageDoc } from './registry.js';

/**
 * Partner requests as a metric too. Bounded labels: `partner` is a name from the partner registry (an
 * admin creates partners; a request is counted only once its key matched one), `operation` a name from
 * the safelist manifest; a client's input never becomes a label value.
 */
const partnerRequests = counter('shop_partner_requests_total', 'Partner requests admitted, per partner and safelisted operation', [
  'partner',
  'operation',
  'outcome',
]);

/**
 * Counts partner requests per operation in memory and appends one record per (partner, operation) at
 * each flush: no in-place counters (docs/design.md §6), one insert per replica and interval.
 */
export class UsageCounter {
  private counts = new Map<string, { partner: string; operationId: string; operationName: string; requests: number; failures: number }>();
  private since = new Date();
  private pending: UsageDoc[] = [];

  constructor(
    private readonly models: PartnerModels,
    private readonly log: Logger,
  ) {}

  record(partner: string, operationId: string, operationName: string, failed: boolean): void {
    const k = `${partner}\u0000${operationId}`;
    const c = this.counts.get(k) ?? { partner, operationId, operationName, requests: 0, failures: 0 };
    c.requests += 1;
    partnerRequests.inc({ partner, operation: operationName, outcome: failed ? 'failed' : 'ok' });
    if (failed) c.failures += 1;
    this.counts.set(k, c);
  }

  /**
   * Turns what was counted since the last flush into records and inserts them. A record that could not
   * be written is retried at the next flush with the same `_id`, so an insert that did land but whose
   * answer was lost is not counted twice (the retry meets a duplicate key).
   */
  async flush(): Promise<void> {
    if (this.counts.size > 0) {
      const to = new Date();
      for (const c of this.counts.values()) this.pending.push({ _id: randomUUID(), ...c, from: this.since, to });
      this.counts = new Map();
      this.since = to;
    }
    const failed: UsageDoc[] = [];
    for (const doc of this.pending) {
      try {
        await this.models.Usage.create(doc);
      } catch (err) {
        if (isDuplicateKey(err)) continue;
        failed.push(doc);
        this.log.warn({ err, partner: doc.partner }, 'writing partner usage failed; retrying at the next flush');
      }
    }
    this.pending = failed;
  }

  /** Flushes every `intervalMs`; the returned function stops and flushes one last time. */
  start(intervalMs: number): () => Promise<void> {
    const timer = setInterval(() => void this.flush(), intervalMs);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await this.flush();
    };
  }
}
