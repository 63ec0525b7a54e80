import { connect, type NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { durationMs, type Logger, type Readiness } from '@shop/kit';
import type { RetryPolicy } from './retry.js';

/**
 * Env vars every publisher/consumer shares, to spread into a service's config shape
 * (`parseConfig('order', { ...commonConfig(4003), ...eventsConfig })`).
 */
export const eventsConfig = {
  NATS_URL: z
    .string()
    .regex(/^(nats|tls):\/\/\S+$/, 'must be a nats:// or tls:// URL')
    .default('nats://127.0.0.1:4222'),
  RETRY_BASE_DELAY_MS: durationMs(1_000),
  RETRY_MAX_DELAY_MS: durationMs(60_000),
  MAX_DELIVER: z.coerce.number().int().min(1).max(100).default(6),
};

export const retryPolicyFrom = (c: { RETRY_BASE_DELAY_MS: number; RETRY_MAX_DELAY_MS: number; MAX_DELIVER: number }): RetryPolicy => ({
  baseDelayMs: c.RETRY_BASE_DELAY_MS,
  maxDelayMs: c.RETRY_MAX_DELAY_MS,
  maxDeliver: c.MAX_DELIVER,
});

/**
 * Connects for a long-lived process: reconnects forever (a broker restart must not end the service)
 * and logs connection changes.
 */
export async function connectNats(url: string, name: string, log: Logger): Promise<NatsConnection> {
  const nc = await connect({ servers: url, name, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
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
