import { join } from 'node:path';
import { ManagedProcess, ROOT, testTmpDir, waitFor } from '@shop/harness';

/**
 * A service of this repository as its own Node process, run from its `src/index.ts` on the sources
 * (tsx, as `npm start` runs it), so a test can SIGKILL it or see it exit.
 */
export interface ServiceProcess {
  proc: ManagedProcess;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Starts it again on the same port with the same environment (a supervisor's restart). */
  restart: () => Promise<ServiceProcess>;
  stop: () => Promise<void>;
}

export async function startServiceProcess(name: string, entry: string, port: number, env: Record<string, string>): Promise<ServiceProcess> {
  const logFile = join(testTmpDir(`shop-${name}-`), `${name}.log`);
  const proc = new ManagedProcess(
    name,
    process.execPath,
    ['--conditions=shop-source', '--import', 'tsx', entry],
    logFile,
    { ...process.env, LOG_LEVEL: 'info', ...env, PORT: String(port), HOST: '127.0.0.1', APOLLO_TELEMETRY_DISABLED: '1' },
    ROOT,
  );
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${name} to answer /healthz`, () => fetch(`${base}/healthz`).then((r) => r.ok), {
    timeoutMs: 60_000,
    intervalMs: 100,
    failFast: () => proc.deathNotice(),
  });
  return {
    proc,
    base,
    restart: () => startServiceProcess(name, entry, port, env),
    stop: () => proc.stop(),
  };
}
