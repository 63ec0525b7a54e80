import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, ROOT, startBroker, waitFor, type ManagedProcess, type NatsInstance } from '@shop/harness';
import { serviceReady, spawnService, storefrontSpec } from '../../scripts/src/services.js';
import { launchBrowser, type LaunchedBrowser } from './browser/launch.js';
import { browserSession, type BrowserSession } from './browser/session.js';
import { startSystem, type System } from './system.js';

/**
 * The whole shop for browser tests: every process of `npm start` (support/system.ts, the identity
 * sandbox included, on a NATS of its own), plus the storefront's server on a free port (its
 * /config.json points at this system's gateway and identity sandbox, scripts/src/services.ts
 * `storefrontSpec`), the identity sandbox accepting the storefront's redirect URIs, the gateway allowing
 * its origin (CORS), and Chromium reaching exactly those ports (support/browser). Browsers use
 * `localhost` URLs, as `npm start` prints them.
 */
export interface Shop {
  system: System;
  /** `http://localhost:<port>` of the storefront, the identity sandbox and the gateway. */
  storefront: string;
  identity: string;
  gateway: string;
  browser: LaunchedBrowser;
  session: BrowserSession;
  /** Stops everything; keeps the services' logs when `failed` (and says where). */
  stop: (failed: boolean) => Promise<void>;
}

const APP = join(ROOT, 'storefront');
/** Vite's output (storefront/vite.config.ts), served by the storefront's server. */
export const STOREFRONT_BUILD = join(APP, 'dist', 'public');
/** Eleven services compiled by tsx at once: minutes on a loaded two-core machine. */
const STARTUP_MS = 300_000;

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Builds the storefront's browser app with Vite when its build is missing or older than its sources. */
export function ensureStorefrontBuilt(): void {
  const built = join(STOREFRONT_BUILD, 'index.html');
  const sources = ['src', 'index.html', 'public', 'vite.config.ts'].map((p) => join(APP, p)).filter((p) => existsSync(p));
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  process.stderr.write('» building the storefront (vite build) for the browser tests…\n');
  const r = spawnSync('pnpm', ['--filter', '@shop/storefront', 'run', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`vite build of the storefront failed (status ${r.status ?? r.signal})`);
}

const portOf = (url: string) => Number(new URL(url).port);

export async function startShop(opts: { mongoUrl: string; artifacts: string }): Promise<Shop> {
  ensureStorefrontBuilt();
  const storefrontPort = await freePort();
  const storefront = `http://localhost:${storefrontPort}`;
  let nats: NatsInstance | undefined;
  let storefrontProc: ManagedProcess | undefined;
  let system: System | undefined;
  let browser: LaunchedBrowser | undefined;
  const stopAll = async (failed: boolean) => {
    await browser?.close();
    await storefrontProc?.stop();
    await system?.stop(failed);
    await nats?.stop();
    if (failed && system) process.stderr.write(`browser tests failed; the services' logs are kept in ${system.logs}\n`);
  };
  try {
    // Its own broker: the services create the production durable consumers.
    nats = await startBroker('test');
    system = await startSystem({
      mongoUrl: opts.mongoUrl,
      natsUrl: nats.url,
      startupMs: STARTUP_MS,
      // Read by the gateway (CORS) and the identity sandbox (the storefront client's redirect URIs).
      env: {
        CORS_ORIGINS: storefront,
        STOREFRONT_REDIRECT_URIS: `${storefront}/auth/callback`,
        STOREFRONT_POST_LOGOUT_REDIRECT_URIS: `${storefront}/`,
      },
    });
    const gatewayPort = portOf(system.gatewayUrl);
    const identityPort = portOf(system.bases['identity-sandbox']!);
    // As npm start runs it, but from its sources (tsx) like the rest of the system, serving the Vite build.
    const spec = storefrontSpec(storefrontPort, gatewayPort, { NODE_ENV: 'development', STOREFRONT_ROOT: STOREFRONT_BUILD });
    const fromSources = { ...spec, args: ['--import', 'tsx', join(APP, 'server', 'index.ts')] };
    storefrontProc = spawnService(fromSources, system.logs);
    const proc = storefrontProc;
    await waitFor('the storefront', () => serviceReady(fromSources).catch(() => false), {
      timeoutMs: STARTUP_MS,
      intervalMs: 200,
      failFast: () => proc.deathNotice(),
    });
    browser = await launchBrowser([storefrontPort, identityPort, gatewayPort, portOf(system.bases['payment-sandbox']!)]);
    rmSync(opts.artifacts, { recursive: true, force: true });
    const gateway = `http://localhost:${gatewayPort}`;
    const session = browserSession(browser, opts.artifacts, gateway);
    return {
      system,
      storefront,
      identity: `http://localhost:${identityPort}`,
      gateway,
      browser,
      session,
      stop: async (failed) => {
        await session.close();
        await stopAll(failed);
      },
    };
  } catch (err) {
    await stopAll(true);
    throw err;
  }
}
