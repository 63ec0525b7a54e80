import { describe, expect, it } from 'vitest';
import { freePort, runScript } from '@shop/harness';

// Each case starts the CLI as its own Node process (tsx): seconds, a minute on a loaded machine.
const CLI_MS = 240_000;
const opts = { timeoutMs: CLI_MS - 10_000 };

describe('npm run trace without a Jaeger', () => {
  it(
    'says how to start one, SHOP_TRACING=jaeger npm start first, and exits 1',
    async () => {
      // A free port: nothing listens there.
      const r = await runScript('scripts/src/trace.ts', ['--', 'SO-2026-000001'], {
        ...opts,
        env: { JAEGER_URL: `http://127.0.0.1:${await freePort()}` },
      });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      const first = r.stderr.indexOf('SHOP_TRACING=jaeger npm start');
      expect(first).toBeGreaterThan(0);
      expect(r.stderr.indexOf('docker compose up')).toBeGreaterThan(first);
    },
    CLI_MS,
  );

  it(
    'refuses what is neither an order number nor a trace id',
    async () => {
      const r = await runScript('scripts/src/trace.ts', ['--', 'not-an-order'], opts);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^usage: npm run trace/);
    },
    CLI_MS,
  );
});
