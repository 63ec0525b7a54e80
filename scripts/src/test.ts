/**
 * `npm test`: installs what the suite needs (Debian packages, the FerretDB build; Jaeger's build in the
 * background), runs every vitest
 * project (unit, integration, e2e) under strace, then audits that log for connections beyond loopback,
 * then runs the tests that freeze a process with SIGSTOP (untraced: see `sigstop` below), then (on a full
 * run, without arguments) builds and runs the bounded chaos run and the bounded cluster run, each alone,
 * and ends with the line `N passed, M failed` over all of them. With arguments (file filters), a project
 * none of whose files match passes with no tests.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackages, ROOT, testTmpDir, which } from '@shop/harness';
import { buildJaegerInBackground, prepareSuite } from './suite-needs.js';
import { counts, failures, summaryLine, tally } from './vitest-results.js';

const say = (msg: string) => process.stderr.write(`» ${msg}\n`);
/** `npm test -- <paths>`: only the matching files of each project run. */
const filtered = process.argv.length > 2;

function vitest(projects: string[], jsonFile: string, wrap: string[] = [], env: NodeJS.ProcessEnv = process.env): number {
  const args = [
    'exec',
    'vitest',
    'run',
    ...projects.flatMap((p) => ['--project', p]),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${jsonFile}`,
    ...(filtered ? ['--passWithNoTests'] : []),
    ...process.argv.slice(2),
  ];
  const [cmd, ...rest] = wrap.length ? [...wrap, 'pnpm', ...args] : ['pnpm', ...args];
  const r = spawnSync(cmd!, rest, { cwd: ROOT, stdio: 'inherit', env });
  return r.status ?? 1;
}

say('checking what the suite needs (first run installs packages and builds FerretDB)…');
await ensureDebianPackages(['strace'], 'the network audit of the test run');
const out = await prepareSuite();
const stopJaegerBuild = buildJaegerInBackground(out);
const traceDir = testTmpDir('shop-trace-');
const trace = join(traceDir, 'connect.log');
const strace = which('strace')!;

say('running unit, integration and e2e tests (traced: connect/sendto of every process)…');
const suiteCode = vitest(['unit', 'integration', 'e2e'], join(out, 'suite.json'), [
  strace,
  '-f',
  '-qq',
  '--seccomp-bpf',
  '-e',
  'trace=connect,sendto',
  '-e',
  'signal=none',
  '-o',
  trace,
  '--',
]);
stopJaegerBuild();
say('auditing the trace for connections beyond loopback…');
const auditCode = vitest(['audit'], join(out, 'audit.json'), [], { ...process.env, NET_AUDIT_LOG: trace });
rmSync(traceDir, { recursive: true, force: true });

// Freezing a process under `strace -f` races its tracer: the group-stop of a multi-threaded tracee (FerretDB
// is Go) can make strace's PTRACE_LISTEN fail with EIO, and strace then exits and ends the whole traced run
// with no report (seen in a CI run). These tests talk only to processes of their own on loopback.
say('running the tests that freeze a process with SIGSTOP (untraced)…');
rmSync(join(out, 'sigstop.json'), { force: true });
const sigstopCode = vitest(['sigstop'], join(out, 'sigstop.json'));

// The chaos run starts the built services and needs the machine to itself: after the rest, not traced.
const fullRun = !filtered;
let chaosCode = 0;
let clusterCode = 0;
if (fullRun) {
  say('building the services for the bounded chaos run…');
  const build = spawnSync('pnpm', ['exec', 'tsc', '-b'], { cwd: ROOT, stdio: 'inherit' });
  say('running the bounded chaos run (kills every process under load, then reconciles; ~8 min)…');
  rmSync(join(out, 'chaos.json'), { force: true });
  chaosCode = build.status === 0 ? vitest(['chaos'], join(out, 'chaos.json')) : 1;
  say('running the bounded cluster run (two replicas of everything, a NATS node and a replica of each killed; ~5 min)…');
  rmSync(join(out, 'cluster.json'), { force: true });
  clusterCode = build.status === 0 ? vitest(['cluster'], join(out, 'cluster.json')) : 1;
}

// Each run's report and vitest's exit code: a run that failed without a failed test still counts.
const runs = Object.entries({
  'suite.json': suiteCode,
  'audit.json': auditCode,
  'sigstop.json': sigstopCode,
  ...(fullRun ? { 'chaos.json': chaosCode, 'cluster.json': clusterCode } : {}),
});
const total = tally(runs.map(([report, code]) => counts(join(out, report), code)));
// .ci/run repeats these lines above its summary: the tail of a long log then names what failed.
for (const line of runs.flatMap(([report, code]) => failures(join(out, report), ROOT, code))) process.stdout.write(`failed: ${line}\n`);
const ok = runs.every(([, code]) => code === 0) && total.failed === 0;
process.stdout.write(`\n${summaryLine(total)}\n`);
process.exit(ok ? (total.passed > 0 ? 0 : 1) : 1);
