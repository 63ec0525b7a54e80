import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no pnpm-workspace.yaml above ${start}`);
    dir = up;
  }
  return dir;
}

/** The repository root. */
export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** Build caches shared by every clone on this machine (outside git): FerretDB binary, etc. */
export const CACHE_DIR = resolve(
  process.env.SHOP_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'shop-supergraph'),
);

/** Per-checkout state for `npm start` (database files, NATS store, logs); SHOP_STATE_DIR moves it. */
export const STATE_DIR = resolve(process.env.SHOP_STATE_DIR ?? join(ROOT, '.cache', 'dev'));
