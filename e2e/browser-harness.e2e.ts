import { existsSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTmpDir } from '@shop/harness';
import { launchBrowser, type LaunchedBrowser } from './support/browser/launch.js';
import { browserSession, type BrowserSession } from './support/browser/session.js';

/**
 * The browser tests' harness on its own, against a tiny local site: Chromium reaches the loopback
 * ports it was given, every request beyond loopback is aborted and recorded, screenshots are written,
 * axe-core fails a page with a serious violation, and gateway requests are told apart by how APQ sent them.
 */
const PAGES: Record<string, string> = {
  '/clean': `<!doctype html><html lang="en"><head><title>Clean</title></head><body><main><h1>Hello</h1>
    <img src="/pixel.svg" alt="A pixel"><label>Name <input name="n"></label></main></body></html>`,
  '/outside': `<!doctype html><html lang="en"><head><title>Outside</title></head><body><main><h1>Outside</h1>
    <img src="https://cdn.example.com/logo.png" alt="logo"><script>fetch('http://203.0.113.7/track').catch(() => {})</script></main></body></html>`,
  '/violations': `<!doctype html><html lang="en"><head><title>Bad</title></head><body><main><h1>Bad</h1>
    <img src="/pixel.svg"><button></button></main></body></html>`,
  '/apq': `<!doctype html><html lang="en"><head><title>APQ</title></head><body><main><h1 id="out">APQ</h1><script>
    const ext = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: 'h' } }));
    (async () => {
      await fetch('/graphql?operationName=Known&extensions=' + ext);
      await fetch('/graphql?operationName=Unknown&extensions=' + ext);
      await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ operationName: 'Unknown', query: 'query Unknown { a }', extensions: { persistedQuery: { version: 1, sha256Hash: 'h' } } }) });
      document.getElementById('out').textContent = 'done';
    })();</script></main></body></html>`,
};

let server: http.Server;
let base: string;
let launched: LaunchedBrowser;
let session: BrowserSession;
let artifacts: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/pixel.svg') {
      res.setHeader('content-type', 'image/svg+xml');
      return res.end('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>');
    }
    if (url.pathname === '/graphql') {
      res.setHeader('content-type', 'application/json');
      const known = url.searchParams.get('operationName') === 'Known' || req.method === 'POST';
      return res.end(
        JSON.stringify(
          known
            ? { data: { a: 1 } }
            : { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] },
        ),
      );
    }
    res.setHeader('content-type', 'text/html');
    res.end(PAGES[url.pathname] ?? '<!doctype html><title>404</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  launched = await launchBrowser([port]);
  artifacts = testTmpDir('shop-browser-artifacts-');
  session = browserSession(launched, artifacts, base);
}, 120_000);

afterAll(async () => {
  await session?.close();
  await launched?.close();
  server?.close();
  if (artifacts) rmSync(artifacts, { recursive: true, force: true });
});

describe('the browser harness', () => {
  it('runs Chromium in a network namespace of its own where the machine allows it (root)', () => {
    expect(launched.isolated).toBe(process.getuid?.() === 0);
  });

  it('reaches the bridged loopback port and writes numbered screenshots', async () => {
    const t = await session.open('reaches loopback');
    await t.page.goto(`${base}/clean`);
    await expect.poll(() => t.page.getByRole('heading', { name: 'Hello' }).isVisible()).toBe(true);
    const path = await t.shot('clean page');
    expect(path).toMatch(/reaches-loopback\/01-clean-page\.png$/);
    expect(readFileSync(path).subarray(1, 4).toString()).toBe('PNG');
  });

  it('aborts and records every request beyond loopback', async () => {
    const t = await session.open('outside');
    await t.page.goto(`${base}/outside`);
    await expect.poll(() => [...session.blocked].sort()).toEqual(['http://203.0.113.7/track', 'https://cdn.example.com/logo.png']);
  });

  it('passes a clean page and fails one with serious or critical axe-core violations, naming them', async () => {
    const t = await session.open('axe');
    await t.page.goto(`${base}/clean`);
    await t.check('clean');
    await t.page.goto(`${base}/violations`);
    const err = await t.check('violations').then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/image-alt \(critical\)/);
    expect(err?.message).toMatch(/button-name \(critical\)/);
    expect(existsSync(`${session.artifacts}/axe/02-violations.png`)).toBe(true);
  });

  it('tells APQ hash hits, hash misses and full queries apart', async () => {
    const t = await session.open('apq');
    await t.page.goto(`${base}/apq`);
    await expect.poll(() => t.page.locator('#out').textContent()).toBe('done');
    const sent = await t.gatewayRequests();
    expect(sent.map((r) => [r.operationName, r.method, r.kind, r.view])).toEqual([
      ['Known', 'GET', 'hash-hit', '/apq'],
      ['Unknown', 'GET', 'hash-miss', '/apq'],
      ['Unknown', 'POST', 'full-query', '/apq'],
    ]);
  });
});
