import { beforeAll, describe, expect, it } from 'vitest';
import { ROW_IDS } from '../src/chaos/reconcile.js';
import { formatLoad, formatRows, formatSchedule } from '../src/chaos/report.js';
import { formatWork } from '../src/cluster/report.js';
import { CLUSTER_ROW_IDS } from '../src/cluster/rows.js';
import { runCluster, type ClusterResult } from '../src/cluster/run.js';
import { REPLICATED } from '../src/cluster/system.js';

/** `npm run cluster -- --bounded` with a fixed seed, one assertion per reconciliation row. */
const SEED = 1;
let result: ClusterResult;

beforeAll(async () => {
  result = await runCluster({ bounded: true, purchases: 24, concurrency: 3, seed: SEED, keep: false }, (line) =>
    process.stderr.write(`» ${line}\n`),
  );
  process.stderr.write(
    `\nFaults (seed ${SEED}):\n${formatSchedule(result.faults)}\n\n${formatLoad(result.load)}\n\n${formatWork(result.work, result.proxies)}\n\n${formatRows(result.rows)}\n`,
  );
});

describe('the bounded cluster run', () => {
  it('kills a NATS node, then one replica of every service and worker, and brings each back', () => {
    expect(result.faults.filter((f) => f.target.startsWith('nats-')).map((f) => f.signal)).toEqual(['SIGKILL']);
    expect(
      result.faults
        .filter((f) => !f.target.startsWith('nats-'))
        .map((f) => f.target)
        .sort(),
    ).toEqual(REPLICATED.map((s) => `${s}-1`).sort());
  });

  it('spreads the requests over both replicas of every proxied service', () => {
    for (const p of result.proxies)
      expect(
        p.served.every((n) => n > 0),
        p.service,
      ).toBe(true);
  });

  it.each([...ROW_IDS, ...CLUSTER_ROW_IDS])('reconciles: %s', (id) => {
    const row = result.rows.find((r) => r.id === id)!;
    expect({ check: row.check, actual: row.actual, detail: row.ok ? undefined : row.detail }).toEqual({
      check: row.check,
      actual: row.expected,
      detail: undefined,
    });
  });
});
