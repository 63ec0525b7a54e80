import http from 'node:http';
import express, { type Express } from 'express';
import { listen, type Logger, mountHealth } from '@shop/kit';
import { ApiError, errorHandler, requireApiKey, sendError } from '@shop/sandbox-kit';
import { messageRoutes } from './api.js';
import { booksFile } from './books.js';
import type { SandboxConfig } from './config.js';
import { MessageStore } from './messages.js';
import { testRoutes } from './test-routes.js';

export interface RunningSandbox {
  /** Where it listens, e.g. http://127.0.0.1:4021 (the messaging worker's `SMS_URL`). */
  url: string;
  port: number;
  sandbox: Sandbox;
  close: () => Promise<void>;
}

export interface Sandbox {
  app: Express;
  httpServer: http.Server;
  store: MessageStore;
  listen: (port?: number, host?: string) => Promise<RunningSandbox>;
}

/** A listening address as clients should use it: a wildcard bind is reached through loopback. */
function reachable(url: string, host: string): string {
  return host === '0.0.0.0' || host === '::' ? url.replace(/\/\/[^/]+:/, '//127.0.0.1:') : url;
}

/**
 * Builds the sandbox (express app and message store) without listening. With `SANDBOX_STATE_DIR` the
 * messages are loaded from its `books.json` (an invalid file throws) and saved after every change.
 */
export function buildSandbox(config: SandboxConfig, log: Logger): Sandbox {
  const file = config.SANDBOX_STATE_DIR === undefined ? undefined : booksFile(config.SANDBOX_STATE_DIR);
  const saved = file?.load();
  const store = new MessageStore(saved?.messages, (messages) => file?.save({ version: 1, messages }));
  if (file) log.info({ file: file.path, messages: saved?.messages.length ?? 0 }, 'books loaded');
  let accepting = true;

  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    const started = Date.now();
    res.on('finish', () => log.debug({ method: req.method, path: req.path, status: res.statusCode, ms: Date.now() - started }, 'request'));
    next();
  });
  mountHealth(app, [{ name: 'accepting', check: () => accepting }]);
  app.use('/v1', requireApiKey(config.SMS_API_KEY, 'SMS_API_KEY'), express.json({ limit: '16kb' }));
  app.use('/v1', messageRoutes(store, log));
  if (config.NODE_ENV !== 'production') app.use('/v1/test', testRoutes(store));
  app.use((req, res) => sendError(res, new ApiError(404, 'not_found', `No route ${req.method} ${req.path}`)));
  app.use(errorHandler(log));

  const httpServer = http.createServer(app);
  const sandbox: Sandbox = {
    app,
    httpServer,
    store,
    listen: async (port = config.PORT, host = config.HOST) => {
      const running = await listen(httpServer, port, host, () => {
        accepting = false;
        return Promise.resolve();
      });
      return { url: reachable(running.url, host), port: running.port, sandbox, close: running.close };
    },
  };
  return sandbox;
}

/** Builds and listens on `PORT` / `HOST` (port 0 picks a free one). */
export function startSandbox(config: SandboxConfig, log: Logger, port?: number): Promise<RunningSandbox> {
  return buildSandbox(config, log).listen(port);
}
