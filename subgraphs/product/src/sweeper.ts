import { startPeriodic, type Logger } from '@shop/kit';
import type { Reservations } from './reservations.js';

/**
 * Releases reservations nobody confirmed within the TTL, every `intervalMs`. Returns a stop function
 * that waits for a sweep in progress.
 */
export function startReservationSweeper(reservations: Reservations, ttlMs: number, intervalMs: number, log: Logger): () => Promise<void> {
  return startPeriodic('reservation sweep', intervalMs, log, () => reservations.sweep(ttlMs));
}
