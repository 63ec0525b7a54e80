import http from 'node:http';
import express, { type Express } from 'express';
import { listen, type Logger, mountHealth } from '@shop/kit';
import { ApiError, errorHandler, requireApiKey, sendError } from '@shop/sandbox-kit';
import { actionRoutes } from './actions.js';
import { paymentRoutes } from './api.js';
import { booksFile } from './books.js';
import type { SandboxConfig } from './config.js';
import { IdempotencyStore } from './idempotency.js';
import { PaymentLedger } from './payments.js';
import { testRoutes } from './test-routes.js';
import { Timers } from './timers.js';
import { WebhookDispatcher } from './webhooks.js';
import { TraceEcho } from './trace-echo.js';

export interface RunningSandbox {
  /** Where it listens, e.g. http://127.0.0.1:4020 (the payment service's `PSP_URL`). */
  url: string;
  port: number;
  /** Base of `nextActionUrl`s: PUBLIC_URL, or `url`. */
  publicUrl: string;
  sandbox: Sandbox;
  close: () => Promise<void>;
}

export interface Sandbox {
  app: Express;
  httpServer: http.Server;
  ledger: PaymentLedger;
  webhooks: WebhookDispatcher;
  idempotency: IdempotencyStore;
  listen: (port?: number, host?: string) => Promise<RunningSandbox>;
  /** Cancels pending settlements and webhook retries, aborts deliveries in flight. */
  stop: () => void;
}

/** A listening address as browsers should use it: a wildcard bind is reached through loopback. */
function reachable(url: string, host: string): string {
  return host === '0.0.0.0' || host === '::' ? url.replace(/\/\/[^/]+:/, '//127.0.0.1:') : url;
}

/**
 * Builds the sandbox: the express app, its ledger and webhook dispatcher. With `SANDBOX_STATE_DIR` the
 * books are loaded from its `books.json` here (an invalid file throws) and saved after every change.
 * Nothing runs until `listen` (no timers, no sockets), so tests may build several side by side.
 */
export function buildSandbox(config: SandboxConfig, log: Logger): Sandbox {
  const file = config.SANDBOX_STATE_DIR === undefined ? undefined : booksFile(config.SANDBOX_STATE_DIR);
  const saved = file?.load();
  const timers = new Timers();
  let publicUrl = config.PUBLIC_URL ?? `http://127.0.0.1:${config.PORT}`;
  let accepting = true;
  const traces = new TraceEcho();
  const webhooks = new WebhookDispatcher(
    {
      secret: config.PSP_WEBHOOK_SECRET,
      retryBaseMs: config.SANDBOX_WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: config.SANDBOX_WEBHOOK_RETRY_MAX_MS,
      maxAttempts: config.SANDBOX_WEBHOOK_MAX_ATTEMPTS,
      timeoutMs: config.SANDBOX_WEBHOOK_TIMEOUT_MS,
      traces,
    },
    timers,
    log,
  );
  const ledger = new PaymentLedger(
    {
      settleDelayMs: config.SANDBOX_SETTLE_DELAY_MS,
      webhookDelayMs: config.SANDBOX_WEBHOOK_DELAY_MS,
      publicUrl: () => publicUrl,
      notify: (type, data, url, how) => void webhooks.publish(type, data, url, how),
      commit: () => commit(),
    },
    timers,
    saved?.payments,
  );
  const idempotency = new IdempotencyStore(saved?.idempotency);
  /** One write of the whole books: a request's payment and its idempotency record land together. */
  const commit = () => file?.save({ version: 1, payments: ledger.snapshot(), idempotency: idempotency.snapshot() });
  if (file) log.info({ file: file.path, payments: saved?.payments.length ?? 0, idempotencyKeys: idempotency.size }, 'books loaded');

  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    const started = Date.now();
    res.on('finish', () => log.debug({ method: req.method, path: req.path, status: res.statusCode, ms: Date.now() - started }, 'request'));
    next();
  });
  mountHealth(app, [{ name: 'accepting', check: () => accepting }]);
  app.use('/v1/actions', actionRoutes(ledger, commit));
  app.use('/v1', requireApiKey(config.PSP_API_KEY, 'PSP_API_KEY'), express.json({ limit: '64kb' }));
  app.use(
    '/v1',
    paymentRoutes({
      ledger,
      idempotency,
      defaultWebhookUrl: config.PSP_WEBHOOK_URL,
      slowAnswerMs: config.SANDBOX_SLOW_ANSWER_MS,
      commit,
      traces,
    }),
  );
  if (config.NODE_ENV !== 'production') app.use('/v1/test', testRoutes(ledger, webhooks));
  app.use((req, res) => sendError(res, new ApiError(404, 'not_found', `No route ${req.method} ${req.path}`)));
  app.use(errorHandler(log));

  const httpServer = http.createServer(app);
  const stop = () => {
    accepting = false;
    timers.close();
    webhooks.close();
  };

  const sandbox: Sandbox = {
    app,
    httpServer,
    ledger,
    webhooks,
    idempotency,
    stop,
    listen: async (port = config.PORT, host = config.HOST) => {
      const running = await listen(httpServer, port, host, () => Promise.resolve(stop()));
      const url = reachable(running.url, host);
      publicUrl = config.PUBLIC_URL ?? url;
      ledger.resume();
      return { url, port: running.port, publicUrl, sandbox, close: running.close };
    },
  };
  return sandbox;
}

/** Builds and listens on `PORT` / `HOST` (port 0 picks a free one). */
export function startSandbox(config: SandboxConfig, log: Logger, port?: number): Promise<RunningSandbox> {
  return buildSandbox(config, log).listen(port);
}
