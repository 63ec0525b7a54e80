import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitFor } from '@shop/harness';
import { launchBrowser, type LaunchedBrowser } from './support/browser/launch.js';
import { bearer, startStack, type Stack } from './support/stack.js';

/**
 * Issue 13 §3: GraphiQL on the gateway at /graphiql outside production, from npm (no CDN), loaded in
 * headless Chromium with every request recorded and every non-loopback one blocked: none may happen.
 * (Production's 404 is in edge-replicas.e2e.ts, beside its other production refusals.)
 */
let stack: Stack;
let browser: LaunchedBrowser;
let base: string;

beforeAll(async () => {
  stack = await startStack(inject('mongoUrl'));
  base = stack.gatewayUrl.replace(/\/graphql$/, '');
  // Chromium in its own network namespace reaching only the gateway's port (e2e/support/browser): its
  // own start-up and IPv6 probes cannot leave the machine, which npm test's network audit checks.
  browser = await launchBrowser([Number(new URL(base).port)]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const loopback = (url: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

describe('GraphiQL at /graphiql', () => {
  it('is linked, beside Sandbox, from the landing page', async () => {
    const html = await (await fetch(stack.gatewayUrl, { headers: { accept: 'text/html' } })).text();
    expect(html).toMatch(/embeddable-sandbox|EmbeddedSandbox/i);
    expect(html).toContain('<a href="/graphiql">GraphiQL</a>');
    expect(html).toContain('<a href="/graphql">Apollo Sandbox</a>');
  });

  it('loads from the gateway alone, runs a query with a token from its header editor and shows the result', async () => {
    const product = await stack.createProduct({ name: `GraphiQL mug ${randomUUID().slice(0, 6)}` });
    const page = await browser.browser.newPage();
    const requests: string[] = [];
    const outside: string[] = [];
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      requests.push(url);
      if (url.startsWith('data:') || loopback(url)) return route.continue();
      outside.push(url);
      return route.abort('blockedbyclient');
    });
    const res = await page.goto(`${base}/graphiql`, { waitUntil: 'networkidle' });
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'self'");

    // The default query lists the newest products: run it as a guest.
    await page.waitForSelector('.graphiql-execute-button');
    await page.click('.graphiql-execute-button');
    await waitFor('the products in the result pane', async () => (await result(page)).includes(product.name));

    // A signed-in query: the token goes into the Headers editor, as a developer would paste it. The query is
    // anonymous after the named default one: GraphiQL still holds the name "Catalog", which the page drops.
    const token = await stack.token(`graphiql-${randomUUID()}`, 'customer');
    await replaceEditor(page, '.graphiql-query-editor .CodeMirror', '{ myOrders(first: 1) { totalCount } }');
    await showHeadersEditor(page);
    await replaceEditor(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror', JSON.stringify(bearer(token)));
    await page.click('.graphiql-execute-button');
    let shown = '';
    await waitFor('the signed-in result', async () => /"totalCount": 0/.test((shown = await result(page)))).catch((err: unknown) => {
      throw new Error(`${String(err)}; the result pane shows: ${shown.slice(0, 500)}`);
    });

    expect(requests.some((u) => u.endsWith('/graphql'))).toBe(true);
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});

/** Opens the Headers tab below the query editor (GraphiQL starts on Variables). */
async function showHeadersEditor(page: Page): Promise<void> {
  const clicked = await page.$$eval('.graphiql-editor-tools button', (buttons) => {
    const tab = (buttons as unknown as { textContent: string | null; click: () => void }[]).find(
      (b) => b.textContent?.trim() === 'Headers',
    );
    tab?.click();
    return Boolean(tab);
  });
  if (!clicked) throw new Error('GraphiQL shows no Headers tab');
  await page.waitForSelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');
}

/** The text of GraphiQL's result pane. */
const result = (page: Page) => page.$eval('.result-window', (el) => el.textContent ?? '');

/** Replaces a CodeMirror editor's text through its own API (typing would fight auto-closed brackets). */
async function replaceEditor(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForSelector(selector);
  await page.$eval(
    selector,
    (el, value) => {
      (el as unknown as { CodeMirror: { setValue: (v: string) => void } }).CodeMirror.setValue(value);
    },
    text,
  );
}
