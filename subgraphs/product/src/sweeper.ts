import type { Logger } from '@shop/kit';
import type { Reservations } from './reservations.js';

/**
 * Releases reservations nobody confirmed within the TTL, every `intervalMs`. Returns a stop function
 * that waits for a sweep in progress.
 */
export function startReservationSweeper(reservations: Reservations, ttlMs: number, intervalMs: number, log: Logger): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = reservations.sweep(ttlMs).catch((err: unknown) => log.error({ err }, 'reservation sweep failed'));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
