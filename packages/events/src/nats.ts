import { connect, type NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { duration, durationMs, type Logger, type Readiness } from '@shop/kit';
import { deliveriesForBudget, type RetryPolicy } from './retry.js';

/**
 * Env vars every publisher/consumer shares, to spread into a service's config shape
 * (`parseConfig('order', { ...commonConfig(4003), ...eventsConfig })`). See README "Retries".
 */
export const eventsConfig = {
  /** One server, or every server of a cluster separated by commas (the client fails over between them). */
  NATS_URL: z
    .string()
    .refine((v) => natsServers(v).every((u) => NATS_SERVER.test(u)), 'must be a nats:// or tls:// URL, or several separated by commas')
    .default('nats://127.0.0.1:4222'),
  /**
   * Copies JetStream keeps of each stream (and its consumers): 1 on a single server, 3 on a three-node
   * cluster (a node may die without losing an event). At most the number of servers in the cluster.
   */
  NATS_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  /** First wait after a transient failure; doubled per attempt. */
  RETRY_BASE_DELAY_MS: durationMs(1_000),
  /** Longest wait between two attempts. */
  RETRY_MAX_DELAY_MS: durationMs(60_000),
  /** How long transient failures are retried before the message is dead-lettered (`exhausted`). */
  RETRY_BUDGET: duration('30m'),
  /** Deadline of one handler run; past it the delivery counts as a transient failure (nak). */
  HANDLER_TIMEOUT: duration('2m'),
};

const NATS_SERVER = /^(nats|tls):\/\/[^\s,]+$/;

/** The servers of a NATS_URL: `nats://a:4222,nats://b:4222` → both, trimmed. */
export const natsServers = (url: string): string[] => url.split(',').map((u) => u.trim());

/** The retry and deadline settings a consumer reads (a subset of `eventsConfig`). */
export interface ConsumerSettings {
  RETRY_BASE_DELAY_MS: number;
  RETRY_MAX_DELAY_MS: number;
  RETRY_BUDGET: number;
  /** Default 2 minutes. */
  HANDLER_TIMEOUT?: number;
}

/** The consumer's retry policy: `maxDeliver` is derived from the budget (`deliveriesForBudget`). */
export const retryPolicyFrom = (c: ConsumerSettings): RetryPolicy => {
  const delays = { baseDelayMs: c.RETRY_BASE_DELAY_MS, maxDelayMs: c.RETRY_MAX_DELAY_MS };
  return { ...delays, maxDeliver: deliveriesForBudget(c.RETRY_BUDGET, delays) };
};

/**
 * Connects for a long-lived process: reconnects forever (a broker restart must not end the service),
 * to any server of `url` (a comma-separated list: a cluster), and logs connection changes.
 */
export async function connectNats(url: string, name: string, log: Logger): Promise<NatsConnection> {
  const nc = await connect({ servers: natsServers(url), name, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error') log.warn({ nats: s }, `nats ${s.type}`);
    }
  })().catch(() => {});
  return nc;
}

/**
 * The /readyz check on a broker connection. It fails only once the connection is closed for good: while
 * it reconnects, the service keeps serving (its outbox holds what it publishes meanwhile).
 */
export const natsReadiness = (nc: NatsConnection): Readiness => ({ name: 'nats', check: () => !nc.isClosed() });
