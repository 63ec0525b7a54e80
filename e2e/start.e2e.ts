import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { canConnect, freePortBlock, ROOT, testTmpDir, waitFor } from '@shop/harness';

const stateDir = testTmpDir('shop-start-');
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe('npm start', () => {
  it('brings up a seeded supergraph, answers products(first: 3) and stops everything on Ctrl-C', async () => {
    // The gateway port and every offset `npm start` derives from it (subgraphs +1…+5, workers +10/+11, sandboxes +20/+21).
    const base = await freePortBlock(22);
    const { NODE_OPTIONS: _ignored, ...env } = process.env;
    const child = spawn(process.execPath, ['scripts/bootstrap.mjs', 'start'], {
      cwd: ROOT,
      env: {
        ...env,
        MONGODB_URL: inject('mongoUrl'),
        NATS_URL: inject('natsUrl'),
        SHOP_BASE_PORT: String(base),
        SHOP_STATE_DIR: stateDir,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor('npm start to print the URL', () => output.includes('Shop Supergraph is running'), {
        timeoutMs: 240_000,
        intervalMs: 200,
        failFast: () => (child.exitCode !== null ? `exited early:\n${output}` : undefined),
      });
      expect(output).toContain(`http://localhost:${base}/graphql`);
      expect(output).toMatch(/Admin token: +eyJ/);

      const res = await fetch(`http://127.0.0.1:${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: '{ products(first: 3) { totalCount edges { node { name price { amount currency } } } } categories { slug } }',
        }),
      });
      const body = (await res.json()) as any;
      expect(body.errors).toBeUndefined();
      expect(body.data.products.edges).toHaveLength(3);
      for (const { node } of body.data.products.edges) {
        expect(Number.isInteger(node.price.amount)).toBe(true);
        expect(node.price.currency).toBe('USD');
      }
      expect(body.data.products.totalCount).toBeGreaterThanOrEqual(200);
      expect(body.data.categories.length).toBeGreaterThanOrEqual(10);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(await canConnect(base)).toBe(false);
    expect(await canConnect(base + 1)).toBe(false);
  }, 300_000);
});
