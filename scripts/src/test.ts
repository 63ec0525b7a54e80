/**
 * `npm test`: installs what the suite needs (Debian packages, the FerretDB build), runs every vitest
 * project (unit, integration, e2e) under strace, then audits that log for connections beyond loopback,
 * then (on a full run, without arguments) builds and runs the bounded chaos run alone, and ends with
 * the line `N passed, M failed` over all of them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureChromium,
  ensureDebianPackages,
  ensureFerretDbBinary,
  ensureNatsServer,
  ensureRedisServer,
  ensurePdfTools,
  ROOT,
  testTmpDir,
  which,
} from '@shop/harness';

const say = (msg: string) => process.stderr.write(`» ${msg}\n`);

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
  testResults: { status: string; assertionResults: { status: string }[] }[];
}

function vitest(projects: string[], jsonFile: string, wrap: string[] = [], env: NodeJS.ProcessEnv = process.env): number {
  const args = [
    'exec',
    'vitest',
    'run',
    ...projects.flatMap((p) => ['--project', p]),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${jsonFile}`,
    ...process.argv.slice(2),
  ];
  const [cmd, ...rest] = wrap.length ? [...wrap, 'pnpm', ...args] : ['pnpm', ...args];
  const r = spawnSync(cmd!, rest, { cwd: ROOT, stdio: 'inherit', env });
  return r.status ?? 1;
}

/**
 * The run's counts. A test file that fails before any of its tests runs (an import or a top-level
 * error) has no failed test in vitest's numbers: it counts as one failure here, so the summary line
 * never reads "0 failed" for a run that failed.
 */
function counts(file: string): Pick<VitestJson, 'numPassedTests' | 'numFailedTests' | 'numPendingTests' | 'numTodoTests'> {
  if (!existsSync(file)) return { numPassedTests: 0, numFailedTests: 1, numPendingTests: 0, numTodoTests: 0 };
  const json = JSON.parse(readFileSync(file, 'utf8')) as VitestJson;
  const brokenFiles = json.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'));
  return { ...json, numFailedTests: json.numFailedTests + brokenFiles.length };
}

say('checking what the suite needs (first run installs packages and builds FerretDB)…');
await ensureDebianPackages(['strace'], 'the network audit of the test run');
await ensureNatsServer();
await ensureRedisServer();
await ensureChromium();
await ensurePdfTools();
await ensureFerretDbBinary();

const out = join(ROOT, '.cache', 'test');
mkdirSync(out, { recursive: true });
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
say('auditing the trace for connections beyond loopback…');
const auditCode = vitest(['audit'], join(out, 'audit.json'), [], { ...process.env, NET_AUDIT_LOG: trace });
rmSync(traceDir, { recursive: true, force: true });

// The chaos run starts the built services and needs the machine to itself: after the rest, not traced.
const fullRun = process.argv.length <= 2;
let chaosCode = 0;
if (fullRun) {
  say('building the services for the bounded chaos run…');
  const build = spawnSync('pnpm', ['exec', 'tsc', '-b'], { cwd: ROOT, stdio: 'inherit' });
  say('running the bounded chaos run (kills every process under load, then reconciles; ~8 min)…');
  rmSync(join(out, 'chaos.json'), { force: true });
  chaosCode = build.status === 0 ? vitest(['chaos'], join(out, 'chaos.json')) : 1;
}

const results = [counts(join(out, 'suite.json')), counts(join(out, 'audit.json')), ...(fullRun ? [counts(join(out, 'chaos.json'))] : [])];
const passed = results.reduce((n, r) => n + r.numPassedTests, 0);
const failed = results.reduce((n, r) => n + r.numFailedTests, 0);
const skipped = results.reduce((n, r) => n + r.numPendingTests + r.numTodoTests, 0);
const ok = suiteCode === 0 && auditCode === 0 && chaosCode === 0 && failed === 0;
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(ok ? (passed > 0 ? 0 : 1) : 1);
