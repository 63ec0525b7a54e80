import { createClient } from '@redis/client';
import { backoffDelay, type Logger } from '@shop/kit';

const makeClient = (url: string) =>
  createClient({
    url,
    // While Redis is away, commands fail at once (callers fall back) instead of queueing forever.
    disableOfflineQueue: true,
    socket: { connectTimeout: 5_000, reconnectStrategy: (retries) => backoffDelay(retries, { baseMs: 100, maxMs: 5_000 }) },
  });

export type Redis = ReturnType<typeof makeClient>;

/**
 * One Redis connection for what gateway replicas share (APQ registrations, rate-limit counters).
 * Start-up fails clearly when Redis cannot be reached; later outages are logged and retried by the
 * client while callers fall back (APQ misses, per-replica rate limits).
 */
export async function connectRedis(url: string, log: Logger): Promise<Redis> {
  const client = makeClient(url);
  let reported = false;
  client.on('error', (err: Error) => {
    if (!reported) log.warn({ err: err.message }, 'redis unavailable; retrying');
    reported = true;
  });
  client.on('ready', () => {
    if (reported) log.info('redis reachable again');
    reported = false;
  });
  await Promise.race([
    client.connect(),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`cannot reach Redis at ${redact(url)} within 5 s`)), 5_000).unref()),
  ]).catch((err: unknown) => {
    client.destroy();
    throw err;
  });
  return client;
}

/** The URL without its password, for messages. */
export const redact = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

/** Closes gracefully when connected; while Redis is away there is nothing to wait for. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.isReady) await client.close();
  else client.destroy();
}
