/**
 * Reads an strace log of connect/sendto calls (`strace -f -e trace=connect,sendto`) and lists every
 * destination beyond loopback. Used by `npm test` to check, not assume, that the whole run stayed local.
 * A call that failed (no route, address not available: e.g. from a process in an empty network
 * namespace) opened nothing; it is reported as an attempt but is not a violation.
 */

export interface Destination {
  pid: number;
  family: 'inet' | 'inet6';
  address: string;
  port: number;
  /** Whether the call succeeded (or a non-blocking connect is in progress), i.e. something may have left. */
  opened: boolean;
  line: string;
}

const INET = /sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([\d.]+)"\)/;
const INET6 = /sa_family=AF_INET6, sin6_port=htons\((\d+)\),.*?inet_pton\(AF_INET6, "([0-9a-fA-F:.]+)"/;
const RESUMED = /^(\d+)\s+<\.\.\. \w+ resumed>(.*)$/;

/** Joins `<unfinished ...>` calls with their `<... resumed>` results, per process. */
function completeCalls(log: string): string[] {
  const pending = new Map<string, string>();
  const calls: string[] = [];
  for (const line of log.split('\n')) {
    const resumed = RESUMED.exec(line);
    if (resumed) {
      const start = pending.get(resumed[1]!);
      pending.delete(resumed[1]!);
      if (start) calls.push(start.replace(/\s*<unfinished \.\.\.>\s*$/, '') + resumed[2]);
      continue;
    }
    const pid = /^(\d+)\s/.exec(line)?.[1];
    if (pid && line.endsWith('<unfinished ...>')) pending.set(pid, line);
    else if (line.trim()) calls.push(line);
  }
  return [...calls, ...pending.values()]; // a call never resumed (process killed) counts as opened
}

function opened(call: string): boolean {
  const result = /\)\s*=\s*(-?\d+)(?:\s+(\w+))?\s*(?:\(.*\))?\s*$/.exec(call);
  if (!result) return true; // unknown outcome: assume the worst
  return Number(result[1]) >= 0 || result[2] === 'EINPROGRESS';
}

export function destinations(log: string): Destination[] {
  const out: Destination[] = [];
  for (const line of completeCalls(log)) {
    const pid = Number(/^(\d+)\s/.exec(line)?.[1] ?? 0);
    const v4 = INET.exec(line);
    const v6 = v4 ? null : INET6.exec(line);
    const m = v4 ?? v6;
    if (!m) continue;
    out.push({ pid, family: v4 ? 'inet' : 'inet6', port: Number(m[1]), address: m[2]!.toLowerCase(), opened: opened(line), line });
  }
  return out;
}

/** Loopback (127.0.0.0/8, ::1, v4-mapped loopback) or the unspecified address. */
export function isLocal(d: Pick<Destination, 'family' | 'address'>): boolean {
  if (d.family === 'inet') return d.address.startsWith('127.') || d.address === '0.0.0.0';
  return d.address === '::1' || d.address === '::' || /^::ffff:127\./.test(d.address);
}

/** Calls that reached, or may have reached, beyond loopback: the violations. */
export const beyondLoopback = (log: string): Destination[] => destinations(log).filter((d) => !isLocal(d) && d.opened);

/** Calls beyond loopback that failed before anything left the machine. */
export const failedAttempts = (log: string): Destination[] => destinations(log).filter((d) => !isLocal(d) && !d.opened);
