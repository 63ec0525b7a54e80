import { existsSync } from 'node:fs';
import { ensureDebianPackages } from './apt.js';

export const CHROMIUM_PACKAGES = ['chromium', 'fonts-dejavu-core', 'fonts-liberation2', 'poppler-utils'] as const;

/** Debian's Chromium, its fonts and pdftotext, installed on first use. Returns the browser path. */
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
] as const;
