/**
 * The Node releases CI tests besides the machine's own (`npm run test:node`), by major: the supported
 * majors other than the oldest. A new patch release is a one-line change here. `ensureNode` brings one
 * (for the test matrix, and for `npm run bench -- tracing --node=24`).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, run } from '@shop/harness';

export const NODE_RELEASES: Readonly<Record<string, string>> = { '22': '22.23.5', '24': '24.22.3' };

const say = (msg: string) => process.stderr.write(`» ${msg}\n`);

/** The Node `version` binary, from the cache or (first time) from the npm registry. */
export async function ensureNode(version: string): Promise<string> {
  const dir = join(CACHE_DIR, `node-${version}`);
  const bin = join(dir, 'bin', 'node');
  if (existsSync(bin)) return bin;
  const pkg = `node-${process.platform}-${process.arch}@${version}`;
  say(`fetching Node ${version} (${pkg}) from the npm registry (first time only)…`);
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = mkdtempSync(join(CACHE_DIR, `.node-${version}-`));
  try {
    // `npm pack` checks the tarball against the registry's integrity hash and runs no install script.
    await run('npm', ['pack', pkg, '--pack-destination', tmp, '--silent'], { quiet: true });
    const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${pkg} wrote no tarball`);
    await run('tar', ['-xzf', join(tmp, tarball), '-C', tmp]);
    const unpacked = join(tmp, 'package');
    if (!existsSync(join(unpacked, 'bin', 'node'))) throw new Error(`${pkg} has no bin/node`);
    const reported = (await run(join(unpacked, 'bin', 'node'), ['--version'], { quiet: true })).trim();
    if (reported !== `v${version}`) throw new Error(`${pkg}'s binary reports ${reported}`);
    renameSync(unpacked, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return bin;
}
