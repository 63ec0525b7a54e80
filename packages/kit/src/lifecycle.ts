import type { Logger } from './logger.js';
import { flushTracing } from './tracing.js';

let shuttingDown = false;

/** True once `onShutdown` has begun stopping the process (an ending background loop is then expected). */
export const isShuttingDown = (): boolean => shuttingDown;

/**
 * Runs `steps` in order on SIGTERM/SIGINT (stop intake, finish in-flight work, drain NATS, close
 * MongoDB), then exits. A second signal exits at once.
 */
export function onShutdown(log: Logger, steps: Array<[string, () => Promise<unknown>]>): void {
  let stopping = false;
  const run = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    shuttingDown = true;
    log.info({ signal }, 'shutting down');
    let code = 0;
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (err) {
        code = 1;
        log.error({ err, step: name }, 'shutdown step failed');
      }
    }
    // Spans still buffered (the last second's) go out before the exit; with tracing off this is a no-op.
    await flushTracing().catch((err: unknown) => log.warn({ err }, 'could not send the last spans'));
    process.exit(code);
  };
  process.on('SIGTERM', () => void run('SIGTERM'));
  process.on('SIGINT', () => void run('SIGINT'));
}

/** Starts a service's composition root, printing a clear reason and exiting 1 if start-up fails. */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${name} failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

/**
 * A loop the process exists to run (an event consumer): when `done` settles outside a shutdown, log
 * why and exit 1, so the supervisor restarts the process instead of leaving it up doing nothing.
 * `stopping` and `exit` are injectable for tests.
 */
export function exitWhenEnded(
  log: Logger,
  what: string,
  done: Promise<unknown>,
  opts: { stopping?: () => boolean; exit?: (code: number) => void } = {},
): void {
  const stopping = opts.stopping ?? isShuttingDown;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const ended = (err?: unknown) => {
    if (stopping()) return;
    log.fatal({ err, what }, `${what} ended unexpectedly; exiting so that a supervisor restarts the process`);
    log.flush();
    exit(1);
  };
  done.then(() => ended(), ended);
}
