import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureChromium,
  ensureDebianPackages,
  ensureFerretDbBinary,
  ensureHelm,
  ensureNatsServer,
  ensurePdfTools,
  ensureRedisServer,
  goBinary,
  jaegerBinaryPath,
  ROOT,
} from '@shop/harness';
import { ensureComposeConfig } from './compose-config.js';

/**
 * What the tests start or use (nats-server, redis-server, Chromium, the PDF tools, iproute2 for the
 * browser tests' network namespace, FerretDB, Helm, compose-go's config check), installed or built on
 * first use and cheap after, and the directory their JSON reports go to (.cache/test). Everything that
 * downloads happens here, before the traced suite: a download inside it is a connection beyond loopback
 * that the network audit reports. The Helm build (minutes on a fresh machine, mostly CPU) starts first
 * and runs while the Debian packages download and install; FerretDB's build follows the installs.
 */
export async function prepareSuite(): Promise<string> {
  const helm = ensureHelm();
  // Handled below; without this an early rejection would be reported as unhandled while apt runs.
  helm.catch(() => {});
  await ensureNatsServer();
  await ensureRedisServer();
  await ensureChromium();
  await ensurePdfTools();
  await ensureDebianPackages(['iproute2'], 'bringing up loopback in the browser tests’ network namespace');
  await ensureFerretDbBinary();
  const go = goBinary();
  if (go) await ensureComposeConfig(go);
  await helm;
  const out = join(ROOT, '.cache', 'test');
  mkdirSync(out, { recursive: true });
  return out;
}

/**
 * Starts building Jaeger (e2e/jaeger.e2e.ts needs it) in a process of its own when it is not cached:
 * the first build takes minutes, so it overlaps the suite instead of delaying it, and the test waits
 * for it (the build's lock file, @shop/harness go-build.ts). It runs outside the strace'd suite: it
 * downloads from the Go module proxy, which the network audit would rightly report. Its output goes
 * to `<out>/jaeger-build.log`. Returns what stops it (its whole process group) if it still runs.
 */
export function buildJaegerInBackground(out: string): () => void {
  if (existsSync(jaegerBinaryPath())) return () => undefined;
  const log = join(out, 'jaeger-build.log');
  const fd = openSync(log, 'w');
  const child = spawn(process.execPath, ['--conditions=shop-source', '--import', 'tsx', join(ROOT, 'scripts/src/build-jaeger.ts')], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  process.stderr.write(`» building Jaeger in the background for e2e/jaeger.e2e.ts (process ${child.pid}, log: ${log})\n`);
  return () => {
    if (child.pid === undefined || child.exitCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch (err) {
      // Already gone between the check and the kill: nothing left to stop.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };
}
