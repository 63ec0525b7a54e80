import { beforeAll, describe, expect, it } from 'vitest';
import { ROW_IDS } from '../src/chaos/reconcile.js';
import { formatLoad, formatRows, formatSchedule } from '../src/chaos/report.js';
import { runChaos, type ChaosResult } from '../src/chaos/run.js';

/** `npm run chaos -- --bounded` with a fixed seed, one assertion per reconciliation row. */
const SEED = 1;
let result: ChaosResult;

beforeAll(async () => {
  result = await runChaos({ bounded: true, purchases: 30, concurrency: 3, seed: SEED, keep: false }, (line) =>
    process.stderr.write(`» ${line}\n`),
  );
  process.stderr.write(
    `\nKill schedule (seed ${SEED}):\n${formatSchedule(result.faults)}\n\n${formatLoad(result.load)}\n\n${formatRows(result.rows)}\n`,
  );
});

describe('the bounded chaos run', () => {
  it('kills or freezes every process, with one outage over 90 s and the database frozen for 60 s', () => {
    const targets = new Set(result.faults.map((f) => f.target));
    for (const name of ['gateway', 'product', 'cart', 'order', 'payment', 'invoice', 'messaging', 'invoice-renderer'])
      expect(targets).toContain(name);
    for (const name of ['chromium', 'payment-sandbox', 'sms-sandbox', 'mail-catcher', 'nats-server', 'database'])
      expect(targets).toContain(name);
    expect(result.faults.some((f) => f.action === 'kill' && f.outageMs > 90_000)).toBe(true);
    expect(result.faults.some((f) => f.target === 'database' && f.signal === 'SIGSTOP' && f.outageMs >= 60_000)).toBe(true);
    expect(result.faults.some((f) => f.target === 'database' && f.signal === 'SIGKILL')).toBe(true);
  });

  it.each(ROW_IDS)('reconciles: %s', (id) => {
    const row = result.rows.find((r) => r.id === id)!;
    expect({ check: row.check, actual: row.actual, detail: row.detail }).toEqual({
      check: row.check,
      actual: row.expected,
      detail: undefined,
    });
  });
});
