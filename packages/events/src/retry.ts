import { backoffDelay } from '@shop/kit';

/**
 * Retry settings of a consumer. Services derive them from env (`retryPolicyFrom`: `RETRY_BASE_DELAY_MS`,
 * `RETRY_MAX_DELAY_MS`, `RETRY_BUDGET`); `maxDeliver` is then the number of deliveries that spans the budget.
 */
export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Deliveries in total, the first included; after the last failed one the message is dead-lettered. */
  maxDeliver: number;
}

/** JetStream accepts any positive max_deliver; this bound keeps a typo in RETRY_BUDGET from meaning "forever". */
export const MAX_DELIVERIES = 10_000;

/**
 * Delay before the next delivery after delivery number `deliveryCount` (1-based) failed: the base
 * delay doubled per attempt, capped at the maximum.
 */
export function retryDelayMs(deliveryCount: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>): number {
  return backoffDelay(deliveryCount - 1, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs });
}

/**
 * The deliveries that keep a message retried for at least `budgetMs`: the smallest n whose n − 1 waits
 * (`retryDelayMs(1..n−1)`) add up to the budget. The time the failed attempts themselves take only adds
 * to it, so the budget is a lower bound on how long an outage the message survives. 1 s base, 60 s cap
 * and 30 min give 36 deliveries (1+2+…+32 s, then 60 s waits).
 */
export function deliveriesForBudget(budgetMs: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>): number {
  let waited = 0;
  let deliveries = 1;
  while (waited < budgetMs) {
    if (deliveries >= MAX_DELIVERIES) {
      throw new Error(`a retry budget of ${budgetMs} ms needs more than ${MAX_DELIVERIES} deliveries; raise RETRY_MAX_DELAY_MS`);
    }
    waited += retryDelayMs(deliveries, policy);
    deliveries++;
  }
  return deliveries;
}

export function checkRetryPolicy(p: RetryPolicy): RetryPolicy {
  const problems: string[] = [];
  if (!Number.isInteger(p.maxDeliver) || p.maxDeliver < 1 || p.maxDeliver > MAX_DELIVERIES) {
    problems.push(`maxDeliver must be an integer from 1 to ${MAX_DELIVERIES}`);
  }
  if (!(p.baseDelayMs > 0)) problems.push('baseDelayMs must be > 0');
  if (!(p.maxDelayMs >= p.baseDelayMs)) problems.push('maxDelayMs must be ≥ baseDelayMs');
  if (problems.length > 0) throw new Error(`invalid retry policy: ${problems.join('; ')}`);
  return p;
}

/**
 * A failure that retrying cannot fix (unknown aggregate that can never appear, a business rule the event
 * breaks…): the consumer dead-letters the message at once with this message as the reason.
 */
export class PermanentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

export const isPermanent = (err: unknown): boolean => err instanceof PermanentError;
