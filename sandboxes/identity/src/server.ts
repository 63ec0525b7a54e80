import http from 'node:http';
import express, { type Express, type Request, type RequestHandler } from 'express';
import type Provider from 'oidc-provider';
import { listen, type Logger, mountHealth } from '@shop/kit';
import { ApiError, errorHandler, sendError } from '@shop/sandbox-kit';
import { AccountStore } from './accounts.js';
import type { SandboxConfig } from './config.js';
import { KeyStore } from './keys.js';
import { interactionRoutes } from './interactions.js';
import { adminRoutes, devRoutes } from './local-routes.js';
import { buildProvider } from './provider.js';

export interface RunningSandbox {
  /** Where it listens, e.g. http://127.0.0.1:4022. */
  url: string;
  /** The `iss` of its tokens (ISSUER, or http://localhost:<port>). */
  issuer: string;
  port: number;
  keys: KeyStore;
  close: () => Promise<void>;
}

/** A listening address as clients should use it: a wildcard bind is reached through loopback. */
function reachable(url: string, host: string): string {
  return host === '0.0.0.0' || host === '::' ? url.replace(/\/\/[^/]+:/, '//127.0.0.1:') : url;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Only requests from this machine (or, in a container, from inside it) pass. */
export const loopbackOnly: RequestHandler = (req, res, next) => {
  if (LOOPBACK.has(req.socket.remoteAddress ?? '')) return next();
  sendError(res, new ApiError(403, 'loopback_only', `${req.path} answers only requests from the loopback interface`));
};

/**
 * Starts the identity provider on `PORT` / `HOST` (port 0 picks a free one). Keys and accounts come from
 * SANDBOX_STATE_DIR when set (an invalid file throws), else are made for this process only.
 */
export async function startSandbox(config: SandboxConfig, log: Logger, port = config.PORT): Promise<RunningSandbox> {
  const keys = await KeyStore.open(config.SANDBOX_STATE_DIR);
  const accounts = new AccountStore(config.SANDBOX_STATE_DIR);
  let provider: Provider | undefined;
  let accepting = true;

  const app: Express = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    const started = Date.now();
    res.on('finish', () => log.debug({ method: req.method, path: req.path, status: res.statusCode, ms: Date.now() - started }, 'request'));
    next();
  });
  mountHealth(app, [
    { name: 'accepting', check: () => accepting },
    { name: 'provider', check: () => provider !== undefined },
  ]);
  const current = (): Provider => {
    if (!provider) throw new ApiError(503, 'starting', 'The identity provider is starting');
    return provider;
  };
  app.use('/interaction', interactionRoutes(current, accounts));
  app.use(
    '/admin',
    loopbackOnly,
    express.json({ limit: '4kb' }),
    adminRoutes(keys, () => rebuild()),
  );
  if (config.NODE_ENV !== 'production') {
    app.use(
      '/dev',
      loopbackOnly,
      express.json({ limit: '4kb' }),
      devRoutes(keys, () => ({ issuer, audience: config.ACCESS_TOKEN_AUDIENCE })),
    );
  }
  app.use((req: Request, res, next) => {
    try {
      void current().callback()(req, res);
    } catch (err) {
      next(err);
    }
  });
  app.use(errorHandler(log));

  const httpServer = http.createServer(app);
  const running = await listen(httpServer, port, config.HOST, () => {
    accepting = false;
    return Promise.resolve();
  });
  const issuer = config.ISSUER?.replace(/\/$/, '') ?? `http://localhost:${running.port}`;
  const rebuild = () => {
    provider = buildProvider({ config, issuer, keys, accounts });
    provider.on('server_error', (_ctx, err) => log.error({ err }, 'identity provider error'));
  };
  rebuild();
  return { url: reachable(running.url, config.HOST), issuer, port: running.port, keys, close: running.close };
}
