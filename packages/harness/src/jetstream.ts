import type { JetStreamManager } from '@nats-io/jetstream';
import { waitFor } from './wait.js';

/**
 * Waits until a durable consumer has nothing left to deliver and nothing awaiting an ack: after that
 * the worker sends nothing more for what was published, so "exactly once" can be asserted.
 */
export function consumerDrained(jsm: JetStreamManager, stream: string, durable: string, timeoutMs?: number): Promise<true> {
  return waitFor(
    `${durable} to have handled everything`,
    async () => {
      const info = await jsm.consumers.info(stream, durable);
      return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
    },
    { timeoutMs },
  );
}

/**
 * Waits until a process holds a pull request open on a durable consumer: from then on, deleting the
 * consumer reaches that process at once (the server answers its pending pull with 409). Deleting it
 * earlier — after the process created it but before its first pull arrived — is only noticed through
 * missed idle heartbeats, ≈ 30 s later; a test about consumer loss must not race that window.
 */
export function consumerPulling(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
  opts: { timeoutMs?: number; failFast?: () => string | undefined } = {},
): Promise<true> {
  return waitFor(
    `a pull request waiting on ${durable}`,
    async () => ((await jsm.consumers.info(stream, durable).catch(() => undefined))?.num_waiting ?? 0) > 0 || undefined,
    opts,
  );
}
