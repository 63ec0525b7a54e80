import { afterAll, describe, expect, it } from 'vitest';
import { closeGateways, post, startEdgeGateway } from './helpers.js';

/**
 * Per-IP budgets count an IPv6 client per /64 (what one subscriber or host usually owns), IPv4 per
 * address. Behind TRUST_PROXY=1 the client address is the last X-Forwarded-For entry, which is how a
 * test on loopback speaks from other addresses.
 */
afterAll(closeGateways);

const typename = (url: string, forwardedFor: string) =>
  post(url, { query: '{ __typename }' }, { 'x-forwarded-for': forwardedFor }).then((a) => a.status);

describe('per-IP rate limits', () => {
  it('give two addresses of one IPv6 /64 one budget, and another /64 its own', async () => {
    const url = await startEdgeGateway({ TRUST_PROXY: '1', RATE_LIMIT_PER_IP: '4', RATE_LIMIT_WINDOW: '60s' });
    const statuses = [];
    for (let i = 0; i < 2; i++) {
      statuses.push(await typename(url, '2001:db8:1:2::1'), await typename(url, `2001:db8:1:2:${i + 1}:beef:${i}:7`));
    }
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(await typename(url, '2001:db8:1:2::1')).toBe(429);
    expect(await typename(url, '2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe(429);
    expect(await typename(url, '2001:db8:1:3::1')).toBe(200);
  });

  it('count an IPv4-mapped IPv6 address as its IPv4 address, and IPv4 addresses one by one', async () => {
    const url = await startEdgeGateway({ TRUST_PROXY: '1', RATE_LIMIT_PER_IP: '2', RATE_LIMIT_WINDOW: '60s' });
    expect([await typename(url, '203.0.113.7'), await typename(url, '::ffff:203.0.113.7')]).toEqual([200, 200]);
    expect(await typename(url, '203.0.113.7')).toBe(429);
    expect(await typename(url, '203.0.113.8')).toBe(200);
  });
});
