import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureChromium, ensureFerretDbBinary, ensureNatsServer, ensurePdfTools, ensureRedisServer, ROOT } from '@shop/harness';

/**
 * What the tests start or use (nats-server, redis-server, Chromium, the PDF tools, FerretDB), installed
 * or built on first use and cheap after, and the directory their JSON reports go to (.cache/test).
 */
export async function prepareSuite(): Promise<string> {
  await ensureNatsServer();
  await ensureRedisServer();
  await ensureChromium();
  await ensurePdfTools();
  await ensureFerretDbBinary();
  const out = join(ROOT, '.cache', 'test');
  mkdirSync(out, { recursive: true });
  return out;
}
