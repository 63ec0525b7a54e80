import type { LoadResult } from './load.js';
import type { Row } from './reconcile.js';
import { formatAt, seconds, type FaultRecord } from './schedule.js';

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function formatSchedule(faults: readonly FaultRecord[]): string {
  return table(
    ['at', 'target', 'signal', 'planned outage', 'back after', 'why'],
    faults.map((f) => [
      formatAt(f.atMs),
      f.target,
      f.signal === 'SIGSTOP' ? 'SIGSTOP…SIGCONT' : f.signal,
      f.action === 'kill-child' ? '—' : seconds(f.outageMs),
      f.action === 'kill-child' ? '—' : seconds(f.measuredMs ?? 0),
      f.note ? `${f.why}; ${f.note}` : f.why,
    ]),
  );
}

export function formatRows(rows: readonly Row<string>[]): string {
  const body = table(
    ['check', 'expected', 'actual', 'result'],
    rows.map((r) => [r.check, String(r.expected), String(r.actual), r.ok ? 'ok' : 'MISMATCH']),
  );
  const details = rows.filter((r) => r.detail).map((r) => `  ${r.ok ? '·' : '✗'} ${r.check}: ${r.detail}`);
  return details.length ? `${body}\n${details.join('\n')}` : body;
}

export function formatLoad(load: LoadResult): string {
  const by = (o: string) => load.results.filter((r) => r.outcome === o).length;
  const lines = [
    `purchases: ${load.results.length} (paid ${by('paid')}, paid then cancelled ${by('cancelled')}, payment still pending ${by('pending')}, failed ${by('failed')})`,
  ];
  const kinds = new Map<string, number>();
  for (const r of load.results) kinds.set(r.plan.kind, (kinds.get(r.plan.kind) ?? 0) + 1);
  lines.push(`mix: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  for (const r of load.results.filter((x) => x.error)) lines.push(`  ${r.outcome} #${r.plan.index} (${r.plan.kind}): ${r.error}`);
  const retried = [...load.retried].sort((a, b) => b[1] - a[1]);
  if (retried.length) {
    lines.push(`transient failures the client retried (${retried.reduce((n, [, c]) => n + c, 0)} in all):`);
    for (const [what, n] of retried.slice(0, 12)) lines.push(`  ${String(n).padStart(4)} × ${what}`);
  }
  return lines.join('\n');
}
