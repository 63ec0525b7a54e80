/**
 * Counts of a vitest run from its JSON report (`--reporter=json --outputFile.json=…`), and the summary
 * line `N passed, M failed[, K skipped]` that `npm test`, `npm run test:node` and .ci/run end with.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

export interface RunCounts {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

interface VitestJson extends RunCounts {
  testResults: { name: string; status: string; message?: string; assertionResults: { status: string; fullName: string }[] }[];
}

/**
 * The run's counts. A missing report (vitest never got to write it) is one failure. A test file that
 * fails before any of its tests runs (an import or a top-level error) has no failed test in vitest's
 * numbers: it counts as one failure here, so the summary line never reads "0 failed" for a run that failed.
 */
export function counts(file: string): RunCounts {
  if (!existsSync(file)) return { numPassedTests: 0, numFailedTests: 1, numPendingTests: 0, numTodoTests: 0 };
  const json = JSON.parse(readFileSync(file, 'utf8')) as VitestJson;
  const brokenFiles = json.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'));
  return {
    numPassedTests: json.numPassedTests,
    numFailedTests: json.numFailedTests + brokenFiles.length,
    numPendingTests: json.numPendingTests,
    numTodoTests: json.numTodoTests,
  };
}

/**
 * One line per failed test (`file › full name`) and per file that failed before its tests ran
 * (`file: message`), so the tail of a long log names what failed; a missing report is one such line.
 */
export function failures(file: string, root: string): string[] {
  if (!existsSync(file)) return [`${file}: no report (the run did not finish)`];
  const json = JSON.parse(readFileSync(file, 'utf8')) as VitestJson;
  return json.testResults.flatMap((f) => {
    const name = relative(root, f.name);
    const failed = f.assertionResults.filter((a) => a.status === 'failed').map((a) => `${name} › ${a.fullName}`);
    if (failed.length || f.status !== 'failed') return failed;
    return [`${name}: ${(f.message ?? 'failed before any test ran').split('\n')[0]}`];
  });
}

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

export function tally(results: RunCounts[]): Tally {
  return {
    passed: results.reduce((n, r) => n + r.numPassedTests, 0),
    failed: results.reduce((n, r) => n + r.numFailedTests, 0),
    skipped: results.reduce((n, r) => n + r.numPendingTests + r.numTodoTests, 0),
  };
}

/** `N passed, M failed` (`, K skipped` when some were): the line .ci/run reads and sums. */
export function summaryLine({ passed, failed, skipped }: Tally): string {
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}
