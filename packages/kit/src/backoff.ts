/**
 * The wait before retry number `retry` (0-based) of anything that backs off exponentially: `baseMs`
 * doubled per retry, capped at `maxMs`. The one formula behind consumer redeliveries, contended writes,
 * provider calls, dead-lettering and reconnects; callers add jitter where many retry at once.
 */
export function backoffDelay(retry: number, { baseMs, maxMs = Number.POSITIVE_INFINITY }: { baseMs: number; maxMs?: number }): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(retry, 30)));
}
