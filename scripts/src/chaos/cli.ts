import type { Row } from './reconcile.js';
import { UsageError, type ChaosOptions } from './options.js';

/**
 * The command line of a run (chaos, cluster): parsed options, or the help and exit 0, or the usage
 * error and exit 2. Ctrl-C then exits at once; the harness's exit hook kills every process the run started.
 */
export function commandLine(parse: (argv: readonly string[]) => ChaosOptions | undefined, help: string): ChaosOptions {
  let opts;
  try {
    opts = parse(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`✗ ${err.message}\n\n${help}`);
    process.exit(2);
  }
  if (!opts) {
    process.stdout.write(help);
    process.exit(0);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  return opts;
}

/** The last line of a run's report: whether every row reconciles, how long it took, where its state is. */
export function verdict(rows: readonly Row<string>[], startedAt: number, opts: ChaosOptions, stateDir: string): string {
  const bad = rows.filter((r) => !r.ok).length;
  return `${bad === 0 ? '✓ every row reconciles' : `✗ ${bad} mismatching rows`} (${Math.round((Date.now() - startedAt) / 1000)} s in all)${opts.keep ? `; state kept in ${stateDir}` : ''}`;
}
