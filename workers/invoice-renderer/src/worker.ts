import express from 'express';
import type { NatsConnection } from '@nats-io/transport-node';
import { attachEvents, consumerName, retryPolicyFrom, startConsumer, type RunningConsumer } from '@shop/events';
import { listen, mountHealth, offlineChromium, type Logger, type Readiness, type RunningServer } from '@shop/kit';
import type { RendererConfig } from './config.js';
import { invoiceIssuedHandler } from './handlers/invoice-issued.js';
import { invoiceClient } from './services.js';
import { BrowserPool, type LaunchOptions } from './render/browser-pool.js';

export interface Renderer {
  pool: BrowserPool;
  consumer: RunningConsumer;
  /** The health server (/healthz, /readyz) on PORT. */
  health: RunningServer;
  stop(): Promise<void>;
}

/**
 * The renderer's composition: the browser pool (the installed Chromium, launched without network by
 * kit's `offlineChromium`), the `invoice-renderer--invoice-issued` consumer with the pool's size as its concurrency, and
 * a health endpoint. Chromium is launched up front so a broken install fails the start, not the first job.
 */
export async function startRenderer(
  config: RendererConfig,
  nc: NatsConnection,
  log: Logger,
  opts: { launchOptions?: () => Promise<LaunchOptions> } = {},
): Promise<Renderer> {
  const launch = opts.launchOptions ?? (() => Promise.resolve(offlineChromium(config.CHROMIUM_PATH)));
  const pool = new BrowserPool(launch, {
    size: config.RENDER_CONCURRENCY,
    timeoutMs: config.RENDER_TIMEOUT,
    recycleAfter: config.PAGE_RECYCLE_JOBS,
    log,
  });
  await pool.current();
  const client = invoiceClient({
    baseUrl: config.INVOICE_URL,
    signer: config.SIGNING_KEY,
    timeoutMs: config.SERVICE_TIMEOUT_MS,
  });
  const readiness: Readiness[] = [];
  const consumer = await attachEvents(
    nc,
    readiness,
    () =>
      startConsumer({
        nc,
        subject: 'shop.invoice.issued.v1',
        durable: consumerName('invoice-renderer', 'shop.invoice.issued.v1'),
        concurrency: config.RENDER_CONCURRENCY,
        ackWaitMs: config.ACK_WAIT,
        handlerTimeoutMs: config.HANDLER_TIMEOUT,
        retry: retryPolicyFrom(config),
        log,
        handler: invoiceIssuedHandler({ pool, client, timeoutMs: config.RENDER_TIMEOUT, locale: config.RENDER_LOCALE, log }),
      }),
    { streamReplicas: config.NATS_STREAM_REPLICAS },
  );
  const app = express();
  app.disable('x-powered-by');
  mountHealth(app, readiness);
  const health = await listen((await import('node:http')).createServer(app), config.PORT, config.HOST);
  return {
    pool,
    consumer,
    health,
    async stop() {
      await consumer.stop();
      await health.close();
      await pool.close();
    },
  };
}
