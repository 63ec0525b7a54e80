/**
 * Counts of a vitest run from its JSON report (`--reporter=json --outputFile.json=…`), and the summary
 * line `N passed, M failed[, K skipped]` that `npm test`, `npm run test:node` and .ci/run end with.
 */
import { existsSync, readFileSync } from 'node:fs';

export interface RunCounts {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

interface VitestJson extends RunCounts {
  testResults: { status: string; assertionResults: { status: string }[] }[];
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
