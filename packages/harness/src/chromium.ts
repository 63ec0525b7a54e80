import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackages } from './apt.js';
import { CACHE_DIR } from './paths.js';

/** What rendering needs at run time (the Dockerfile's `renderer` stage installs the same). */
export const CHROMIUM_PACKAGES = ['chromium', 'fonts-dejavu-core', 'fonts-liberation2'] as const;

/** pdftotext and pdfinfo, for tests that read PDFs back. */
export async function ensurePdfTools(): Promise<void> {
  await ensureDebianPackages(['poppler-utils'], 'reading PDFs back in tests');
}

/** Debian's Chromium and its fonts, installed on first use. Returns the browser path. */
export async function ensureChromium(): Promise<string> {
  await ensureDebianPackages(CHROMIUM_PACKAGES, 'PDF rendering with Chromium');
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`Chromium not found at ${path}`);
  return path;
}

/** Flags that keep Chromium from contacting anything by itself (ARCHITECTURE §8). */
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

/**
 * How to launch Chromium with no network at all where the machine allows it: a wrapper runs it in a
 * fresh network namespace (`unshare --net`, root only), and puppeteer talks to it over a pipe. Even
 * Chromium's start-up IPv6 probe (a UDP connect to 2001:4860:4860::8888) then fails locally. Without
 * namespaces (e.g. in a container without CAP_SYS_ADMIN) the flags and request interception remain.
 */
export async function chromiumLaunchOptions(): Promise<{ executablePath: string; args: string[]; pipe: true; isolated: boolean }> {
  const chromium = await ensureChromium();
  const args = [...CHROMIUM_OFFLINE_ARGS];
  if (spawnSync('unshare', ['--net', '--', 'true']).status !== 0) return { executablePath: chromium, args, pipe: true, isolated: false };
  const wrapper = join(CACHE_DIR, 'bin', 'chromium-offline');
  const script = `#!/bin/sh\n# Chromium without network: a new, empty network namespace.\nexec unshare --net -- ${chromium} "$@"\n`;
  if (!existsSync(wrapper) || readFileSync(wrapper, 'utf8') !== script) {
    mkdirSync(join(CACHE_DIR, 'bin'), { recursive: true });
    writeFileSync(wrapper, script);
    chmodSync(wrapper, 0o755);
  }
  return { executablePath: wrapper, args, pipe: true, isolated: true };
}
