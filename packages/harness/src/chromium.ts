import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { offlineChromium, type ChromiumLaunchOptions } from '@shop/kit';
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

/**
 * Chromium for tests, benchmarks and `npm start`: installed from Debian on first use, then launched
 * the way the renderer launches it in production (kit's offline launch: flags + empty network namespace).
 */
export async function chromiumLaunchOptions(): Promise<ChromiumLaunchOptions> {
  return offlineChromium(await ensureChromium(), join(CACHE_DIR, 'bin'));
}
