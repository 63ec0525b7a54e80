/** Retry settings of a consumer (env `RETRY_BASE_DELAY_MS`, `RETRY_MAX_DELAY_MS`, `MAX_DELIVER`). */
export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Deliveries in total, the first included; after the last failed one the message is dead-lettered. */
  maxDeliver: number;
}

/**
 * Delay before the next delivery after delivery number `deliveryCount` (1-based) failed: the base
 * delay doubled per attempt, capped at the maximum.
 */
export function retryDelayMs(deliveryCount: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>): number {
  const exponent = Math.max(0, Math.min(deliveryCount - 1, 30));
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
}

export function checkRetryPolicy(p: RetryPolicy): RetryPolicy {
  const problems: string[] = [];
  if (!Number.isInteger(p.maxDeliver) || p.maxDeliver < 1) problems.push('maxDeliver must be an integer ≥ 1');
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
