/**
 * `npm run chaos`: the system under load while every process is killed or frozen in turn, then a
 * reconciliation of money, stock, invoices and messages. `--help` says how.
 */
import { formatLoad, formatRows, formatSchedule } from './report.js';
import { HELP, parseChaosArgs, UsageError } from './options.js';
import { runChaos } from './run.js';

const say = (line: string) => process.stderr.write(`» ${line}\n`);

let opts;
try {
  opts = parseChaosArgs(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(`✗ ${err.message}\n\n${HELP}`);
  process.exit(2);
}
if (!opts) {
  process.stdout.write(HELP);
  process.exit(0);
}

// Ctrl-C: exit at once; the harness's exit hook kills every process this run started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

const started = Date.now();
const result = await runChaos(opts, say);
process.stdout.write(`
Kill schedule (seed ${opts.seed}${opts.bounded ? ', bounded' : ''}):
${formatSchedule(result.faults)}

Load:
${formatLoad(result.load)}

Reconciliation:
${formatRows(result.rows)}

${result.ok ? '✓ every row reconciles' : `✗ ${result.rows.filter((r) => !r.ok).length} mismatching rows`} (${Math.round((Date.now() - started) / 1000)} s in all)${opts.keep ? `; state kept in ${result.stateDir}` : ''}
`);
process.exit(result.ok ? 0 : 1);
