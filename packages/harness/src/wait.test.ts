import net from 'node:net';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { freePort, freePortBlock } from './wait.js';

const ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

describe('freePortBlock', () => {
  it('returns a block below the ephemeral range whose every port can be bound', async () => {
    const base = await freePortBlock(22);
    expect(base + 22).toBeLessThanOrEqual(ephemeralLow);
    const servers = await Promise.all(Array.from({ length: 22 }, (_, i) => listen(base + i)));
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('gives freePort a single such port, which can be bound', async () => {
    const port = await freePort();
    expect(port).toBeLessThan(ephemeralLow);
    const srv = await listen(port);
    await new Promise((r) => srv.close(r));
  });

  it('never returns a block that contains a port in use', async () => {
    const base = await freePortBlock(5);
    const held = await listen(base + 1);
    try {
      // Within base … base+4 the only block of 3 that avoids base+1 starts at base+2.
      for (let i = 0; i < 10; i++) expect(await freePortBlock(3, { from: base, to: base + 5 })).toBe(base + 2);
    } finally {
      await new Promise((r) => held.close(r));
    }
  });
});
