import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_OFFLINE_ARGS } from '@shop/kit';
import { ensureChromium, ensureDebianPackages, testTmpDir } from '@shop/harness';

/**
 * Debian's Chromium (installed by the harness, as for the invoice renderer) driven by playwright-core,
 * headless, with the renderer's offline flags: no background networking, component updates, sync or
 * first-run work, and no host name resolved but loopback. `--no-sandbox` only as root, where Chromium
 * refuses to start with its sandbox.
 *
 * Even so, Chromium's full headless mode asks for update.googleapis.com and accounts.google.com at start,
 * and every connection it opens, loopback ones included, first probes IPv6 reachability with a UDP
 * connect to 2001:4860:4860::8888 (visible in `npm test`'s network audit). So where the machine allows
 * it (root, `unshare --net`), Chromium runs in an empty network namespace whose own loopback is bridged
 * to the host's for exactly the `ports` under test: inside, `netns-bridge.mjs` listens on those ports
 * and pipes each connection through a Unix socket to the host's 127.0.0.1. Nothing else is reachable,
 * and the probes fail with ENETUNREACH before anything leaves the machine.
 */
export interface LaunchedBrowser {
  browser: Browser;
  /** True when Chromium runs in its own network namespace, reaching only the bridged ports. */
  isolated: boolean;
  close: () => Promise<void>;
}

const BRIDGE = fileURLToPath(new URL('./netns-bridge.mjs', import.meta.url));

const isRoot = () => process.getuid?.() === 0;

/** The renderer's offline flags (kit), `--no-sandbox` only as root. */
export const browserArgs = (): string[] => CHROMIUM_OFFLINE_ARGS.filter((arg) => arg !== '--no-sandbox' || isRoot());

/** Host side of the bridge: `<dir>/<port>.sock` → 127.0.0.1:<port>, one Unix socket per port. */
async function hostSockets(dir: string, ports: number[]): Promise<net.Server[]> {
  return Promise.all(
    ports.map(
      (port) =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer((inside) => {
            const target = net.connect(port, '127.0.0.1');
            inside.pipe(target).pipe(inside);
            inside.on('error', () => target.destroy());
            target.on('error', () => inside.destroy());
          });
          server.once('error', reject).listen(join(dir, `${port}.sock`), () => resolve(server));
        }),
    ),
  );
}

const canIsolate = () => isRoot() && spawnSync('unshare', ['--net', '--', 'true']).status === 0;

/** Launches Chromium able to reach the host's loopback `ports` and nothing else (see above). */
export async function launchBrowser(ports: number[]): Promise<LaunchedBrowser> {
  const executable = await ensureChromium();
  const args = browserArgs();
  if (!canIsolate()) {
    process.stderr.write('» browser tests: no network namespace (not root, or unshare --net refused); Chromium runs on the host network\n');
    const browser = await chromium.launch({ executablePath: executable, headless: true, args });
    return { browser, isolated: false, close: () => browser.close() };
  }
  await ensureDebianPackages(['iproute2'], 'bringing up loopback in the browser tests’ network namespace');
  const dir = testTmpDir('shop-browser-net-');
  const servers = await hostSockets(dir, ports);
  const wrapper = join(dir, 'chromium-bridged');
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(
    wrapper,
    `#!/bin/sh\n# Chromium in an empty network namespace, its loopback bridged to the host's ports ${ports.join(', ')}.\n` +
      `exec unshare --net -- ${quote(process.execPath)} ${quote(BRIDGE)} ${quote(dir)} ${ports.join(',')} ${quote(executable)} "$@"\n`,
    { mode: 0o755 },
  );
  const browser = await chromium.launch({ executablePath: wrapper, headless: true, args });
  return {
    browser,
    isolated: true,
    close: async () => {
      await browser.close();
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}
