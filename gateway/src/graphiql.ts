import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type Router } from 'express';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/**
 * GraphiQL at `/graphiql` outside production (docs/design.md §8): Apollo Sandbox loads from Apollo's
 * CDN and shows nothing offline, so developers without internet get GraphiQL from the gateway itself.
 * Its prebuilt browser bundle (`graphiql.min.js`, `graphiql.min.css`, fonts inlined) and React 18's
 * UMD builds (the globals that bundle expects) are served straight from node_modules: no build step,
 * no CDN, and a Content-Security-Policy of `'self'` that makes any outside request impossible.
 */
const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

// Resolved when the router is built (never in production, where the route is not mounted).
const assets = (): Record<string, string> => ({
  'react.js': join(packageDir('react'), 'umd/react.production.min.js'),
  'react-dom.js': join(packageDir('react-dom'), 'umd/react-dom.production.min.js'),
  'graphiql.js': join(packageDir('graphiql'), 'graphiql.min.js'),
  'graphiql.css': join(packageDir('graphiql'), 'graphiql.min.css'),
});

const INITIAL_QUERY = `# Signed in? Put {"Authorization": "Bearer <token>"} in the Headers tab below
# (a development token: npm run token -- --sub alice --role customer).

query Catalog {
  products(first: 5) {
    edges { node { id name price { amount currency } } }
  }
}
`;

// The page's own script lives in a file of its own, so the policy needs no 'unsafe-inline' for scripts.
// GraphiQL 4 keeps the last operation name it parsed: after the named default query is replaced by an
// anonymous one, it still sends operationName "Catalog", which the gateway refuses (OPERATION_RESOLUTION_FAILURE).
// The fetcher drops a name the query does not define (no keyword followed by it), as the developer meant.
const INIT = `'use strict';
const send = GraphiQL.createFetcher({ url: new URL('/graphql', location.href).href });
const defines = (query, name) => {
  const words = query.split(/[^_0-9A-Za-z]+/);
  return words.some((word, i) => ['query', 'mutation', 'subscription'].includes(word) && words[i + 1] === name);
};
const fetcher = (params, options) =>
  send(params.operationName && !defines(params.query, params.operationName) ? { ...params, operationName: undefined } : params, options);
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: ${JSON.stringify(INITIAL_QUERY)},
    defaultHeaders: '{}',
    defaultEditorToolsVisibility: 'headers',
    shouldPersistHeaders: true,
  }),
);
`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>GraphiQL · Shop supergraph</title>
    <link rel="stylesheet" href="/graphiql/assets/graphiql.css" />
    <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="/graphiql/assets/react.js"></script>
    <script src="/graphiql/assets/react-dom.js"></script>
    <script src="/graphiql/assets/graphiql.js"></script>
    <script src="/graphiql/assets/init.js"></script>
  </body>
</html>
`;

// GraphiQL sets inline styles (its panes and popovers) and uses data: fonts; everything else is 'self'.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function graphiqlRouter(): Router {
  const files = assets();
  const router = express.Router();
  router.use((_req, res, next) => {
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    next();
  });
  router.get('/', (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get('/assets/init.js', (_req, res) => {
    res.type('application/javascript').send(INIT);
  });
  router.get('/assets/:file', (req, res) => {
    const path = files[String(req.params.file)];
    if (!path) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    // pnpm keeps packages under node_modules/.pnpm: a dot directory, which sendFile refuses by default.
    res.sendFile(path, { maxAge: '1h', dotfiles: 'allow' });
  });
  return router;
}

const BANNER = `<nav aria-label="Explorers" style="font: 14px system-ui, sans-serif; padding: 6px 12px; background: #f4f6f8; border-bottom: 1px solid #d9dee3">
  Explore this API with <a href="/graphql">Apollo Sandbox</a> (loaded from Apollo's CDN) or
  <a href="/graphiql">GraphiQL</a> (served by this gateway, works offline).
</nav>`;

/**
 * Apollo's local landing page (Sandbox, embedded from Apollo's CDN) with a bar above it linking Sandbox
 * and GraphiQL: offline, Sandbox stays blank but the bar still shows the way to GraphiQL.
 */
export function withGraphiqlLink<C extends BaseContext>(landingPage: ApolloServerPlugin<C>): ApolloServerPlugin<C> {
  return {
    ...landingPage,
    async serverWillStart(ctx) {
      const listener = await landingPage.serverWillStart?.(ctx);
      if (!listener?.renderLandingPage) return listener;
      return {
        ...listener,
        async renderLandingPage() {
          const page = await listener.renderLandingPage!();
          const html = typeof page.html === 'string' ? page.html : await page.html();
          return { ...page, html: html.replace(/<body([^>]*)>/, (body) => `${body}${BANNER}`) };
        },
      };
    },
  };
}
