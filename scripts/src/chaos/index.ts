/**
 * `npm run chaos`: the system under load while every process is killed or frozen in turn, then a
 * reconciliation of money, stock, invoices and messages. `--help` says how.
 */
import { commandLine, verdict } from './cli.js';
import { formatLoad, formatRows, formatSchedule } from './report.js';
import { HELP, parseChaosArgs } from './options.js';
import { runChaos } from './run.js';

const say = (line: string) => process.stderr.write(`» ${line}\n`);
const opts = commandLine(parseChaosArgs, HELP);
const started = Date.now();
const result = await runChaos(opts, say);
process.stdout.write(`
Kill schedule (seed ${opts.seed}${opts.bounded ? ', bounded' : ''}):
${formatSchedule(result.faults)}

Load:
${formatLoad(result.load)}

Reconciliation:
${formatRows(result.rows)}

${verdict(result.rows, started, opts, result.stateDir)}
`);
process.exit(result.ok ? 0 : 1);
