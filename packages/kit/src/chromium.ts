import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Flags that keep Chromium from contacting anything by itself (docs/design.md §8). */
export const CHROMIUM_OFFLINE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  '--mute-audio',
  '--no-pings',
  '--dns-prefetch-disable',
  // Resolve no host name but loopback: without it Chromium still looked up the hosts of blocked
  // requests, as the network audit of the test run showed.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
] as const;

export interface ChromiumLaunchOptions {
  executablePath: string;
  args: string[];
  pipe: true;
  /** True when Chromium runs in an empty network namespace. */
  isolated: boolean;
}

/**
 * How the renderer launches an installed Chromium with no network at all where the machine allows it:
 * a wrapper runs it in a fresh network namespace (`unshare --net`, root only), and puppeteer talks to
 * it over a pipe. Even Chromium's start-up IPv6 probe (a UDP connect to 2001:4860:4860::8888) then
 * fails locally. Without namespaces (e.g. a container without CAP_SYS_ADMIN) the flags and request
 * interception remain. Installs nothing: a missing browser is a clear error.
 */
export function offlineChromium(executablePath: string, wrapperDir = join(tmpdir(), 'shop-chromium')): ChromiumLaunchOptions {
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH`);
  }
  const args = [...CHROMIUM_OFFLINE_ARGS];
  if (spawnSync('unshare', ['--net', '--', 'true']).status !== 0) return { executablePath, args, pipe: true, isolated: false };
  const wrapper = join(wrapperDir, 'chromium-offline');
  const script = `#!/bin/sh\n# Chromium without network: a new, empty network namespace.\nexec unshare --net -- ${executablePath} "$@"\n`;
  if (!existsSync(wrapper) || readFileSync(wrapper, 'utf8') !== script) {
    mkdirSync(wrapperDir, { recursive: true });
    writeFileSync(wrapper, script);
    chmodSync(wrapper, 0o755);
  }
  return { executablePath: wrapper, args, pipe: true, isolated: true };
}
