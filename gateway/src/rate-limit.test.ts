import { describe, expect, it } from 'vitest';
import { metricsRegistry } from '@shop/kit';
import { RateLimiter, rateLimitBucket } from './rate-limit.js';

describe('rateLimitBucket', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(rateLimitBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(rateLimitBucket('203.0.113.8')).not.toBe(rateLimitBucket('203.0.113.7'));
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address, dotted or in hex', () => {
    expect(rateLimitBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(rateLimitBucket('::FFFF:cb00:7107')).toBe('203.0.113.7');
    expect(rateLimitBucket('0:0:0:0:0:ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('puts every address of one IPv6 /64 in one bucket, whatever the notation', () => {
    const bucket = rateLimitBucket('2001:db8:1:2::1');
    expect(bucket).toBe('2001:db8:1:2::/64');
    for (const ip of [
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:0DB8:0001:0002:0000:0000:0000:0001',
      '2001:db8:1:2:a:b:1.2.3.4',
      '2001:db8:1:2::',
      'fe80::1%eth0'.replace('fe80::', '2001:db8:1:2::'),
    ]) {
      expect(rateLimitBucket(ip), ip).toBe(bucket);
    }
  });

  it('gives other /64s their own buckets, including ones that differ only in the fourth group or only by zeros', () => {
    expect(rateLimitBucket('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(rateLimitBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(rateLimitBucket('::1')).toBe('0:0:0:0::/64');
    expect(rateLimitBucket('::')).toBe('0:0:0:0::/64');
    expect(rateLimitBucket('1::')).toBe('1:0:0:0::/64');
    expect(rateLimitBucket('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('leaves anything that is not an IP address as it is', () => {
    expect(rateLimitBucket('unknown')).toBe('unknown');
  });
});

describe('RateLimiter metrics', () => {
  const refusals = async (budget: string) =>
    (await metricsRegistry.getSingleMetric('shop_rate_limit_refusals_total')!.get()).values.find((v) => v.labels.budget === budget)
      ?.value ?? 0;

  it('counts each refusal by budget, never by client', async () => {
    const limiter = new RateLimiter({ perIp: 1, perKey: 1, windowMs: 60_000 });
    const [ip, partner] = [await refusals('ip'), await refusals('partner')];
    expect(await limiter.byIp('203.0.113.9')).toEqual({ ok: true });
    expect((await limiter.byIp('203.0.113.9')).ok).toBe(false);
    expect((await limiter.byIp('203.0.113.9')).ok).toBe(false);
    expect(await limiter.byPartner('acme')).toEqual({ ok: true });
    expect((await limiter.byPartner('acme')).ok).toBe(false);
    expect(await refusals('ip')).toBe(ip + 2);
    expect(await refusals('partner')).toBe(partner + 1);
    const labels = (await metricsRegistry.getSingleMetric('shop_rate_limit_refusals_total')!.get()).values.map((v) =>
      Object.keys(v.labels),
    );
    expect(labels.every((keys) => keys.join() === 'budget')).toBe(true);
  });
});
