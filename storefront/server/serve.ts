import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import sirv from 'sirv';
import type { StorefrontConfig } from './config.js';

/** The page may talk to the gateway and the identity provider it is configured for, and nothing else. */
export function contentSecurityPolicy(config: StorefrontConfig): string {
  const origin = (url: string) => new URL(url).origin;
  const connect = ["'self'", origin(config.graphqlUrl), origin(config.oidcAuthority)];
  return [
    "default-src 'self'",
    `connect-src ${[...new Set(connect)].join(' ')}`,
    `img-src 'self' data: ${config.imageOrigins.map(origin).join(' ')}`.trim(),
    "style-src 'self'",
    "script-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    `form-action 'self' ${origin(config.oidcAuthority)}`,
  ].join('; ');
}

/**
 * Serves the built storefront (`root`: Vite's output): hashed assets cached for a year, every other path
 * answered with index.html (the app routes in the browser), `/config.json` made from `config` (so one
 * build runs on every port), `/healthz` and `/readyz` for process managers.
 */
export function createStorefrontServer(root: string, config: StorefrontConfig): Server {
  const files = sirv(root, {
    single: true,
    etag: true,
    gzip: false,
    setHeaders: (res, pathname) => {
      res.setHeader('cache-control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const configBody = JSON.stringify(config);
  const csp = contentSecurityPolicy(config);
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'strict-origin-when-cross-origin');
    res.setHeader('content-security-policy', csp);
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(configBody);
      return;
    }
    if (path === '/healthz' || path === '/readyz') {
      const ready = path === '/healthz' || existsSync(join(root, 'index.html'));
      res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ok' : 'storefront not built');
      return;
    }
    files(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
  });
}
