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

  it('says so when the report is missing', () => {
    const missing = join(dir, 'missing.json');
    expect(counts(missing).numFailedTests).toBe(1);
    expect(failures(missing, '/repo')).toEqual([`${missing}: no report (the run did not finish)`]);
  });
});
