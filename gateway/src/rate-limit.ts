import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from './redis.js';

export interface RateLimits {
  perIp: number;
  perKey: number;
  windowMs: number;
}

export type Verdict = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * Fixed-window request budgets per client IP and per partner (rate-limiter-flexible). With Redis the
 * budget is shared by every gateway replica; if Redis fails, each replica falls back to counting in
 * memory (the insurance limiter) rather than letting everything through or refusing everything.
 */
export class RateLimiter {
  private readonly ip: RateLimiterAbstract;
  private readonly key: RateLimiterAbstract;

  constructor(limits: RateLimits, redis?: Redis) {
    const duration = Math.max(1, Math.round(limits.windowMs / 1000));
    const make = (points: number, keyPrefix: string): RateLimiterAbstract => {
      const memory = new RateLimiterMemory({ points, duration, keyPrefix });
      return redis
        ? new RateLimiterRedis({ storeClient: redis, useRedisPackage: true, points, duration, keyPrefix, insuranceLimiter: memory })
        : memory;
    };
    this.ip = make(limits.perIp, 'rl-ip');
    this.key = make(limits.perKey, 'rl-key');
  }

  byIp(ip: string): Promise<Verdict> {
    return verdict(this.ip, ip);
  }

  byPartner(name: string): Promise<Verdict> {
    return verdict(this.key, name);
  }
}

async function verdict(limiter: RateLimiterAbstract, key: string): Promise<Verdict> {
  try {
    await limiter.consume(key);
    return { ok: true };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    throw rejection;
  }
}
