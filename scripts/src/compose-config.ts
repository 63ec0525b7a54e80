/**
 * tools/compose-config (compose-go, the library Docker Compose is built on) as a binary in the cache:
 * `docker compose config` where no Docker Compose is installed. Built once from the Go module proxy,
 * again whenever its sources change.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, ROOT, run } from '@shop/harness';

const TOOL = join(ROOT, 'tools', 'compose-config');

export { goBinary } from '@shop/harness';

function binaryPath(): string {
  const digest = createHash('sha256');
  for (const file of ['go.mod', 'go.sum', 'main.go']) digest.update(readFileSync(join(TOOL, file)));
  return join(CACHE_DIR, 'bin', `compose-config-${digest.digest('hex').slice(0, 12)}`);
}

/** The compose-config binary, built with `go` first if needed. */
export async function ensureComposeConfig(go: string): Promise<string> {
  const bin = binaryPath();
  if (existsSync(bin)) return bin;
  mkdirSync(join(CACHE_DIR, 'bin'), { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  process.stderr.write('» building tools/compose-config (compose-go) from the Go module proxy (first time only)…\n');
  await run(go, ['build', '-trimpath', '-o', tmp, '.'], { cwd: TOOL, prefix: '  go: ' });
  renameSync(tmp, bin);
  return bin;
}
