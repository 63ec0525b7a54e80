/**
 * The storefront as `npm start` and compose serve it: a real Vite build (into a temporary directory),
 * served by the storefront's server on a free port; /config.json comes from the server's settings.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { firstPageScripts } from '../server/bundle.js';
import { configFromEnv } from '../server/config.js';
import { createStorefrontServer } from '../server/serve.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'storefront-test-'));
const outDir = join(tmp, 'public');
const config = configFromEnv({ STOREFRONT_GRAPHQL_URL: 'http://localhost:4555/graphql', OIDC_AUTHORITY: 'http://localhost:4577' });
let server: Server;
let base = '';

beforeAll(async () => {
  await build({ root: appDir, configFile: join(appDir, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  server = createStorefrontServer(outDir, config);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 180_000);
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(tmp, { recursive: true, force: true });
});

describe('storefront build and server', () => {
  it('builds index.html and the scripts it loads', () => {
    const scripts = firstPageScripts(outDir);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) {
      expect(existsSync(join(outDir, s.file))).toBe(true);
      expect(s.gzipBytes).toBeGreaterThan(0);
      expect(s.gzipBytes).toBeLessThan(s.bytes);
    }
  });

  it('serves /config.json from its settings, never cached', async () => {
    const res = await fetch(`${base}/config.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      graphqlUrl: 'http://localhost:4555/graphql',
      oidcAuthority: 'http://localhost:4577',
      oidcClientId: 'storefront',
      imageOrigins: [],
    });
  });

  it('answers app routes with index.html (SPA fallback) and hashed assets with a long cache', async () => {
    const index = readFileSync(join(outDir, 'index.html'), 'utf8');
    for (const path of ['/', '/cart', '/orders/abc', '/auth/callback?code=x&state=y']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toBe(index);
    }
    const [entry] = firstPageScripts(outDir);
    const asset = await fetch(`${base}${entry!.file}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
  });

  it('allows the page to reach only its gateway and identity provider', async () => {
    const csp = (await fetch(`${base}/`)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("connect-src 'self' http://localhost:4555 http://localhost:4577");
    expect(csp).toContain("script-src 'self'");
  });

  it('is ready only with a build to serve, and refuses writes', async () => {
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
    mkdirSync(join(tmp, 'empty'));
    const empty = createStorefrontServer(join(tmp, 'empty'), config);
    await new Promise<void>((resolve) => empty.listen(0, '127.0.0.1', resolve));
    const port = (empty.address() as AddressInfo).port;
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);
    await new Promise<void>((resolve) => empty.close(() => resolve()));
  });
});
