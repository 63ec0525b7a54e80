import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { counts, failures, summaryLine, tally } from './vitest-results.js';

const dir = mkdtempSync(join(tmpdir(), 'shop-vitest-results-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A report shaped like vitest's JSON reporter's: one passing file, one failing test, one broken file. */
function report(): string {
  const file = join(dir, 'report.json');
  writeFileSync(
    file,
    JSON.stringify({
      numPassedTests: 3,
      numFailedTests: 1,
      numPendingTests: 0,
      numTodoTests: 0,
      testResults: [
        { name: '/repo/a.test.ts', status: 'passed', assertionResults: [{ status: 'passed', fullName: 'a works' }] },
        {
          name: '/repo/e2e/b.e2e.ts',
          status: 'failed',
          assertionResults: [
            { status: 'passed', fullName: 'b first' },
            { status: 'failed', fullName: 'b second' },
          ],
        },
        { name: '/repo/c.test.ts', status: 'failed', message: 'Cannot find module x\n  at stack', assertionResults: [] },
      ],
    }),
  );
  return file;
}

describe('vitest results', () => {
  it('counts a file that failed before its tests as one failure', () => {
    expect(counts(report())).toMatchObject({ numPassedTests: 3, numFailedTests: 2 });
    expect(summaryLine(tally([counts(report())]))).toBe('3 passed, 2 failed');
  });

  it('names each failed test and each broken file, relative to the root', () => {
    expect(failures(report(), '/repo')).toEqual(['e2e/b.e2e.ts › b second', 'c.test.ts: Cannot find module x']);
  });

  it("adds a failed test's first message on one line, without colours or stack, cut short", () => {
    const file = join(dir, 'messages.json');
    const long = `AssertionError: expected { actual: 5, detail: '${'x'.repeat(600)}' }`;
    writeFileSync(
      file,
      JSON.stringify({
        numPassedTests: 0,
        numFailedTests: 2,
        numPendingTests: 0,
        numTodoTests: 0,
        testResults: [
          {
            name: '/repo/chaos.ts',
            status: 'failed',
            assertionResults: [
              {
                status: 'failed',
                fullName: 'reconciles: stock',
                failureMessages: [
                  '\u001b[31mAssertionError: expected {\n  actual: 5,\n  detail: "p1: 80 − 3"\n}\u001b[39m\n    at file.ts:1:1\n    at run',
                ],
              },
              { status: 'failed', fullName: 'long', failureMessages: [long] },
            ],
          },
        ],
      }),
    );
    const [stock, cut] = failures(file, '/repo');
    expect(stock).toBe('chaos.ts › reconciles: stock — AssertionError: expected { actual: 5, detail: "p1: 80 − 3" }');
    expect(cut!.length).toBeLessThan(600);
    expect(cut).toMatch(/^chaos\.ts › long — AssertionError: expected \{ actual: 5, detail: 'x+…$/);
  });

  it('counts a run that exited non-zero with a clean report as one failure, and names it', () => {
    // What vitest writes when its global setup throws: a report with no test in it, and exit code 1.
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, JSON.stringify({ numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, testResults: [] }));
    expect(counts(empty, 1).numFailedTests).toBe(1);
    expect(counts(empty, 0).numFailedTests).toBe(0);
    expect(failures(empty, dir, 1)).toEqual([
      'empty.json: vitest exited with code 1 and its report names no failure (a global setup that threw, or no test file found: see the log above)',
    ]);
    expect(failures(empty, dir, 0)).toEqual([]);
    // A run whose report names its failures is counted by them alone.
    expect(counts(report(), 1).numFailedTests).toBe(2);
    expect(failures(report(), '/repo', 1)).toHaveLength(2);
  });

  it('says so when the report is missing', () => {
    const missing = join(dir, 'missing.json');
    expect(counts(missing).numFailedTests).toBe(1);
    expect(failures(missing, '/repo')).toEqual([`${missing}: no report (the run did not finish)`]);
  });
});
