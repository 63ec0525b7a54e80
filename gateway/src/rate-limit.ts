import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { isIPv4, isIPv6 } from 'node:net';
import { counter } from '@shop/kit';
import type { Redis } from './redis.js';

const refusals = counter('shop_rate_limit_refusals_total', 'Requests refused over a rate-limit budget (429)', ['budget']);

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

  /** Spends one request of the budget of `ip`'s bucket (see rateLimitBucket). */
  byIp(ip: string): Promise<Verdict> {
    return verdict(this.ip, rateLimitBucket(ip), 'ip');
  }

  byPartner(name: string): Promise<Verdict> {
    return verdict(this.key, name, 'partner');
  }
}

async function verdict(limiter: RateLimiterAbstract, key: string, budget: 'ip' | 'partner'): Promise<Verdict> {
  try {
    await limiter.consume(key);
    return { ok: true };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) refusals.inc({ budget });
    if (rejection instanceof RateLimiterRes) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    throw rejection;
  }
}

/**
 * Whose budget a client address spends: an IPv4 address its own; an IPv6 address that of its /64,
 * because one subscriber line or host is routinely given a whole /64 and could otherwise take 2^64
 * budgets by changing the low bits; an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, how dual-stack
 * sockets and some proxies write IPv4 clients) that of its IPv4 address. Anything else is kept as is.
 */
export function rateLimitBucket(address: string): string {
  const ip = address.replace(/%.*$/, ''); // an IPv6 zone index (`fe80::1%eth0`)
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return address;
  const g = hextets(ip);
  if (g.slice(0, 5).every((h) => h === 0) && g[5] === 0xffff) return [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255].join('.');
  const prefix = g.slice(0, 4).map((h) => h.toString(16));
  return `${prefix.join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail as two groups). */
function hextets(ip: string): number[] {
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  const hex = tail
    ? `${ip.slice(0, tail.index)}${((+tail[1]! << 8) | +tail[2]!).toString(16)}:${((+tail[3]! << 8) | +tail[4]!).toString(16)}`
    : ip;
  const [head = '', rest] = hex.split('::');
  const groups = (part: string) => (part ? part.split(':').map((h) => parseInt(h, 16)) : []);
  const [before, after] = [groups(head), groups(rest ?? '')];
  return rest === undefined ? before : [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
}
