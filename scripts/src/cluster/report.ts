import type { ReplicaWork } from './rows.js';

/** Each replica's share: events handled, records relayed, requests served, and how many lives it had. */
export function formatWork(work: readonly ReplicaWork[], proxies: readonly { service: string; served: number[] }[]): string {
  const lines = work.map((w) => {
    const proxy = proxies.find((p) => p.service === w.service);
    const index = Number(w.replica.slice(w.replica.lastIndexOf('-') + 1)) - 1;
    const via = proxy ? `, ${proxy.served[index] ?? 0} requests through the proxy` : '';
    return `  ${w.replica.padEnd(20)} handled ${String(w.work.handled).padStart(5)}  relayed ${String(w.work.published).padStart(5)}  graphql ${String(w.work.requests).padStart(5)}${via}  (${w.lives} process${w.lives === 1 ? '' : 'es'})`;
  });
  return lines.join('\n');
}
