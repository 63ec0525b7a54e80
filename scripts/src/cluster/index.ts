/**
 * `npm run cluster`: the shop with two replicas of everything on a three-node JetStream cluster, a
 * broker node and a replica of each service killed under load, then a reconciliation. `--help` says how.
 */
import { commandLine, verdict } from '../chaos/cli.js';
import { formatLoad, formatRows, formatSchedule } from '../chaos/report.js';
import { HELP, parseClusterArgs } from './options.js';
import { formatWork } from './report.js';
import { runCluster } from './run.js';

const say = (line: string) => process.stderr.write(`» ${line}\n`);
const opts = commandLine(parseClusterArgs, HELP);
const started = Date.now();
const result = await runCluster(opts, say);
process.stdout.write(`
Faults (seed ${opts.seed}${opts.bounded ? ', bounded' : ''}):
${formatSchedule(result.faults)}

Load:
${formatLoad(result.load)}

Work per replica (from each replica's /metrics, summed over its processes):
${formatWork(result.work, result.proxies)}

Reconciliation:
${formatRows(result.rows)}

${verdict(result.rows, started, opts, result.stateDir)}
`);
process.exit(result.ok ? 0 : 1);
