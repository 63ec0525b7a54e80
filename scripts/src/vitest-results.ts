/**
 * Counts of a vitest run from its JSON report (`--reporter=json --outputFile.json=…`), and the summary
 * line `N passed, M failed[, K skipped]` that `npm test`, `npm run test:node` and .ci/run end with.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

export interface RunCounts {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

interface VitestJson extends RunCounts {
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { status: string; fullName: string; failureMessages?: string[] }[];
  }[];
}

/**
 * The run's counts, from its report and vitest's exit code. A missing report (vitest never got to write
 * it) is one failure. A test file that fails before any of its tests runs (an import or a top-level
 * error) has no failed test in vitest's numbers: it counts as one failure here. So does a run that
 * exited non-zero with no failure in its report (a global setup that threw, "no test files found"), so
 * the summary line never reads "0 failed" for a run that failed.
 */
export function counts(file: string, exitCode = 0): RunCounts {
  if (!existsSync(file)) return { numPassedTests: 0, numFailedTests: 1, numPendingTests: 0, numTodoTests: 0 };
  const json = JSON.parse(readFileSync(file, 'utf8')) as VitestJson;
  const brokenFiles = json.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'));
  const failed = json.numFailedTests + brokenFiles.length;
  return {
    numPassedTests: json.numPassedTests,
    numFailedTests: failed === 0 && exitCode !== 0 ? 1 : failed,
    numPendingTests: json.numPendingTests,
    numTodoTests: json.numTodoTests,
  };
}

/** How much of a failed test's message its line carries: enough for an assertion's actual value. */
const MESSAGE_CHARS = 500;

/** The first failure message on one line, colours and stack left out, cut to MESSAGE_CHARS. */
function oneLine(message: string | undefined): string {
  if (!message) return '';
  const text = stripVTControlCharacters(message)
    .split(/\n\s+at /)[0]!
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > MESSAGE_CHARS ? `${text.slice(0, MESSAGE_CHARS - 1)}…` : text;
}

/**
 * One line per failed test (`file › full name — first failure message`, on one line and cut short) and
 * per file that failed before its tests ran (`file: message`), so the tail of a long log names what
 * failed and why; a missing report is one such line, and so is a run that exited non-zero with no
 * failure in its report (see `counts`).
 */
export function failures(file: string, root: string, exitCode = 0): string[] {
  if (!existsSync(file)) return [`${file}: no report (the run did not finish)`];
  const json = JSON.parse(readFileSync(file, 'utf8')) as VitestJson;
  const lines = json.testResults.flatMap((f) => {
    const name = relative(root, f.name);
    const failed = f.assertionResults
      .filter((a) => a.status === 'failed')
      .map((a) => {
        const why = oneLine(a.failureMessages?.[0]);
        return `${name} › ${a.fullName}${why ? ` — ${why}` : ''}`;
      });
    if (failed.length || f.status !== 'failed') return failed;
    return [`${name}: ${(f.message ?? 'failed before any test ran').split('\n')[0]}`];
  });
  if (lines.length || exitCode === 0) return lines;
  return [
    `${relative(root, file)}: vitest exited with code ${exitCode} and its report names no failure (a global setup that threw, or no test file found: see the log above)`,
  ];
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
