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
 */
export class ManifestFirstCache implements KeyValueCache<string> {
  constructor(
    private readonly safelist: Safelist,
    private readonly registered: KeyValueCache<string>,
  ) {}

  private listed(key: string): string | undefined {
    return this.safelist.byId.get(key.replace(/^apq:/, ''))?.body;
  }

  async get(key: string): Promise<string | undefined> {
    return this.listed(key) ?? this.registered.get(key);
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    if (this.listed(key) === undefined) await this.registered.set(key, value, options);
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
