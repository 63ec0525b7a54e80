import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface ScriptSize {
  file: string;
  bytes: number;
  gzipBytes: number;
}

/**
 * The JavaScript the first page loads, as the built index.html names it (the entry module and its
 * modulepreload links), with each file's size raw and gzipped (level 9, as a server would send it).
 */
export function firstPageScripts(publicDir: string): ScriptSize[] {
  const html = readFileSync(join(publicDir, 'index.html'), 'utf8');
  const sources = [
    ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((m) => m[1] ?? '');
  if (!sources.length) throw new Error(`${publicDir}/index.html loads no module script: is it a Vite build?`);
  return [...new Set(sources)].map((src) => {
    const body = readFileSync(join(publicDir, src.replace(/^\//, '')));
    return { file: src, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
  });
}

export const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
