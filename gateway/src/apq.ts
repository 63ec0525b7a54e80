import Keyv from 'keyv';
import KeyvRedis from '@keyv/redis';
import { KeyvAdapter } from '@apollo/utils.keyvadapter';
import { InMemoryLRUCache, type KeyValueCache, type KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { Logger } from '@shop/kit';
import type { Redis } from './redis.js';
import type { Safelist } from './partners/manifest.js';

/**
 * The persisted-query store behind Apollo Server's APQ (keys arrive as `apq:<sha256>`): the partner
 * safelist answers first — so partners can send ids only and nobody can overwrite a safelisted body —
 * then what first-party clients registered, in memory or, with REDIS_URL, in Redis for all replicas.
 * A document longer than `maxBytes` (UTF-8) is not registered: the request that sent it is still
 * answered, and its hash alone stays PERSISTED_QUERY_NOT_FOUND, so clients keep sending its text
 * (Apollo clients do so on that error) and nobody can fill the store with near-1 MB documents.
 */
export class ManifestFirstCache implements KeyValueCache<string> {
  constructor(
    private readonly safelist: Safelist,
    private readonly registered: KeyValueCache<string>,
    private readonly maxBytes: number,
  ) {}

  private listed(key: string): string | undefined {
    return this.safelist.byId.get(key.replace(/^apq:/, ''))?.body;
  }

  async get(key: string): Promise<string | undefined> {
    return this.listed(key) ?? this.registered.get(key);
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    if (this.listed(key) !== undefined || Buffer.byteLength(value) > this.maxBytes) return;
    await this.registered.set(key, value, options);
  }

  async delete(key: string): Promise<boolean | void> {
    return this.registered.delete(key);
  }
}

/** Where APQ registrations live: Redis when given (shared, with a TTL), else an in-memory LRU per replica. */
export function apqStore(redis: Redis | undefined, log: Logger): KeyValueCache<string> {
  if (!redis) return new InMemoryLRUCache<string>({ maxSize: 32 * 1024 * 1024 });
  const keyv = new Keyv<string>({ store: new KeyvRedis(redis), namespace: 'shop-gateway' });
  // A Redis outage makes lookups miss (clients then resend the query text) instead of failing requests.
  keyv.on('error', (err: unknown) => log.warn({ err }, 'APQ store error'));
  return new KeyvAdapter(keyv as never);
}
