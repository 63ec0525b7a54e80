import net from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { freePort, freePortBlock } from './wait.js';

const claimsRoot = mkdtempSync(join(tmpdir(), 'shop-port-claims-test-'));
afterAll(() => rmSync(claimsRoot, { recursive: true, force: true }));
/** A claims directory of one test's own, so its narrow ranges meet no claim made elsewhere. */
const claims = (name: string) => join(claimsRoot, name);

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
      for (let i = 0; i < 10; i++)
        expect(await freePortBlock(3, { from: base, to: base + 5, claims: claims(`in-use-${i}`) })).toBe(base + 2);
    } finally {
      await new Promise((r) => held.close(r));
    }
  });
});

describe('port claims', () => {
  afterEach(() => vi.useRealTimers());

  it('never hands the same port out twice, even before anything binds it', async () => {
    const base = await freePortBlock(2);
    const range = { from: base, to: base + 2, claims: claims('twice') };
    const first = await freePortBlock(1, range);
    const second = await freePortBlock(1, range);
    expect([first, second].sort()).toEqual([base, base + 1]);
    await expect(freePortBlock(1, range)).rejects.toThrow('no block of 1 free, unclaimed ports');
  });

  it('claims a whole block, and a block that overlaps a claim is not handed out', async () => {
    const base = await freePortBlock(4);
    const range = { from: base, to: base + 4, claims: claims('block') };
    await freePortBlock(1, { ...range, from: base + 1, to: base + 2 });
    // Every block of 2 within base … base+3 except base+2 … base+3 contains the claimed base+1.
    expect(await freePortBlock(2, range)).toBe(base + 2);
    // A failed attempt leaves no partial claim: base alone is still free.
    expect(await freePortBlock(1, range)).toBe(base);
  });

  it('holds a claim through the next period and lets it go after that', async () => {
    const base = await freePortBlock(1);
    const dir = claims('periods');
    const range = { from: base, to: base + 1, claims: dir };
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = 1_000 * 600_000; // the start of a 10-minute period
    vi.setSystemTime(start);
    expect(await freePortBlock(1, range)).toBe(base);
    vi.setSystemTime(start + 600_000 + 1);
    await expect(freePortBlock(1, range)).rejects.toThrow('unclaimed');
    vi.setSystemTime(start + 2 * 600_000 + 1);
    expect(await freePortBlock(1, range)).toBe(base);
    // The period before the previous one is gone from the directory.
    expect(existsSync(join(dir, '1000'))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['1001', '1002']);
  });
});
