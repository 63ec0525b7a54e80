import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, BrowserContextOptions, Page, Request } from 'playwright-core';
import type { LaunchedBrowser } from './launch.js';

/**
 * Browser contexts for tests: each blocks (aborts) and records every request beyond loopback, saves
 * numbered screenshots under `<artifacts>/<test>/`, scans pages with axe-core, and classifies the
 * GraphQL requests it sends to the gateway (APQ hash only vs with the query text) per page view.
 */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** How one request to the gateway's `/graphql` was sent (Apollo's persisted-queries link, sha256). */
export type GatewayRequestKind = 'hash-hit' | 'hash-miss' | 'full-query' | 'other';

export interface GatewayRequest {
  kind: GatewayRequestKind;
  method: string;
  operationName?: string;
  /** The page (path and search) the browser showed when the request was sent. */
  view: string;
}

export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** Screenshot of the whole page as `<artifacts>/<test>/<nn>-<step>.png`; returns the path. */
  shot: (step: string) => Promise<string>;
  /** Screenshot, then an axe-core scan; throws listing every serious or critical violation. */
  check: (step: string) => Promise<void>;
  /** Every gateway GraphQL request this context sent, classified once its response arrived. */
  gatewayRequests: () => Promise<GatewayRequest[]>;
}

export interface BrowserSession {
  /** Requests to anything beyond loopback that pages of this session attempted (each aborted). */
  blocked: string[];
  /** Where screenshots go. */
  artifacts: string;
  open: (test: string, options?: BrowserContextOptions) => Promise<TestPage>;
  close: () => Promise<void>;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);

interface SentGraphQL {
  query?: unknown;
  operationName?: unknown;
  extensions?: { persistedQuery?: unknown };
}

function sentGraphQL(req: Request): SentGraphQL | undefined {
  if (req.method() === 'GET') {
    const params = new URL(req.url()).searchParams;
    const json = (name: string) => {
      const v = params.get(name);
      return v ? (JSON.parse(v) as unknown) : undefined;
    };
    return {
      query: params.get('query') ?? undefined,
      operationName: params.get('operationName') ?? undefined,
      extensions: json('extensions') as SentGraphQL['extensions'],
    };
  }
  if (req.method() !== 'POST') return undefined;
  const body = req.postDataJSON() as unknown;
  return body && typeof body === 'object' && !Array.isArray(body) ? body : undefined;
}

async function classify(req: Request, view: string): Promise<GatewayRequest> {
  const sent = sentGraphQL(req);
  const base = { method: req.method(), view, operationName: typeof sent?.operationName === 'string' ? sent.operationName : undefined };
  if (!sent) return { ...base, kind: 'other' };
  if (typeof sent.query === 'string' && sent.query.length > 0) return { ...base, kind: 'full-query' };
  if (!sent.extensions?.persistedQuery) return { ...base, kind: 'other' };
  const res = await req.response();
  const text = res ? await res.text().catch(() => '') : '';
  return { ...base, kind: /PERSISTED_QUERY_NOT_FOUND|PersistedQueryNotFound/.test(text) ? 'hash-miss' : 'hash-hit' };
}

function isLoopback(url: string): boolean {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:' && u.protocol !== 'ws:' && u.protocol !== 'wss:') return true;
  return LOOPBACK.has(u.hostname);
}

/** A session over a launched browser; `gatewayOrigin` is where `/graphql` requests are counted. */
export function browserSession(launched: LaunchedBrowser, artifacts: string, gatewayOrigin: string): BrowserSession {
  const blocked: string[] = [];
  const contexts: BrowserContext[] = [];
  mkdirSync(artifacts, { recursive: true });
  return {
    blocked,
    artifacts,
    open: async (test, options = {}) => {
      const context = await launched.browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
      contexts.push(context);
      await context.route('**/*', async (route) => {
        const url = route.request().url();
        if (isLoopback(url)) return route.fallback();
        blocked.push(url);
        return route.abort('blockedbyclient');
      });
      const dir = join(artifacts, slug(test));
      mkdirSync(dir, { recursive: true });
      let shots = 0;
      const page = await context.newPage();
      const pending: Promise<GatewayRequest>[] = [];
      context.on('request', (req) => {
        const url = new URL(req.url());
        if (url.origin !== gatewayOrigin || url.pathname !== '/graphql' || req.method() === 'OPTIONS') return;
        const frameUrl = new URL(req.frame().url() || 'about:blank');
        const view = `${frameUrl.pathname}${frameUrl.search}`;
        pending.push(
          req
            .response()
            .then(() => classify(req, view))
            .catch(() => ({ kind: 'other' as const, method: req.method(), view })),
        );
      });
      const shot = async (step: string) => {
        const path = join(dir, `${String(++shots).padStart(2, '0')}-${slug(step)}.png`);
        await page.screenshot({ path, fullPage: true });
        return path;
      };
      return {
        context,
        page,
        shot,
        check: async (step) => {
          await shot(step);
          const result = await new AxeBuilder({ page }).analyze();
          const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
          if (bad.length) {
            const lines = bad.map((v) => `${v.id} (${v.impact}): ${v.help}, at ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
            throw new Error(`axe-core on "${step}" (${page.url()}): ${bad.length} serious/critical violation(s):\n${lines.join('\n')}`);
          }
        },
        gatewayRequests: () => Promise.all(pending),
      };
    },
    close: async () => {
      for (const context of contexts) await context.close();
    },
  };
}
