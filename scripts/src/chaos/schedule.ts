import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Supervisor } from './supervisor.js';

/**
 * The fault schedule: every process of the system is killed or frozen once, one after another, with
 * the load running. Kills are SIGKILL (no goodbye, no flush); the supervisor restarts the process
 * after the outage the fault asks for. Chromium is the renderer's child: killing it is the renderer's
 * problem, not the supervisor's.
 */
export interface Fault {
  target: string;
  action: 'kill' | 'freeze' | 'kill-child';
  signal: NodeJS.Signals;
  /** kill: how long the supervisor holds the restart back; freeze: how long the process stays stopped. */
  outageMs: number;
  why: string;
}

export interface ScheduleShape {
  /** Load before the first fault and between the end of one fault and the next. */
  gapMs: number;
  /** Outage of an ordinary kill. */
  shortMs: number;
  /** Outages over 90 s: longer than a minute of consumer retries, well within the outage budget (docs/design.md §5, `RETRY_BUDGET`). */
  longMs: number;
  freezeMs: number;
}

export const BOUNDED_SHAPE: ScheduleShape = { gapMs: 5_000, shortMs: 2_000, longMs: 95_000, freezeMs: 60_000 };
export const FULL_SHAPE: ScheduleShape = { gapMs: 20_000, shortMs: 10_000, longMs: 120_000, freezeMs: 60_000 };

/** Rough time one fault takes, restart included, for spreading the load over the schedule. */
const RESTART_ALLOWANCE_MS = 6_000;

export function buildSchedule(shape: ScheduleShape, bounded: boolean, random: () => number): Fault[] {
  const kill = (target: string, outageMs: number, why: string): Fault => ({ target, action: 'kill', signal: 'SIGKILL', outageMs, why });
  const short = [
    'gateway',
    'product',
    'cart',
    'payment',
    'invoice',
    'messaging',
    'invoice-renderer',
    'sms-sandbox',
    'nats-server',
    'database',
  ].map((t) => kill(t, shape.shortMs, 'crash'));
  short.push({ target: 'chromium', action: 'kill-child', signal: 'SIGKILL', outageMs: 0, why: "the renderer's browser crashes" });
  short.push(kill('payment-sandbox', shape.shortMs, 'the provider restarts and forgets its pending webhooks'));
  const long = [
    kill('order', shape.longMs, 'order down while paid orders wait for invoices'),
    // The full run also keeps the mail server away for long; the bounded one keeps it short.
    kill('mail-catcher', bounded ? shape.shortMs : shape.longMs, 'the mail server is away while emails wait'),
    {
      target: 'database',
      action: 'freeze',
      signal: 'SIGSTOP',
      outageMs: shape.freezeMs,
      why: 'the database hangs (SIGSTOP … SIGCONT)',
    } as Fault,
  ];
  const all = [...short, ...long];
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all;
}

export const scheduleLengthMs = (faults: readonly Fault[], shape: ScheduleShape) =>
  faults.reduce((ms, f) => ms + shape.gapMs + f.outageMs + RESTART_ALLOWANCE_MS, shape.gapMs);

export interface FaultRecord extends Fault {
  atMs: number;
  pid?: number;
  /** Measured: from the signal until the process (or its replacement) was ready again. */
  measuredMs?: number;
  note?: string;
}

export interface RunScheduleOptions {
  supervisor: Supervisor;
  shape: ScheduleShape;
  startedAt: number;
  log: (line: string) => void;
  /** Called just before a fault (e.g. to leave a webhook pending in the payment sandbox it kills); may return a note. */
  before?: (fault: Fault) => Promise<string | undefined>;
}

export async function runSchedule(faults: readonly Fault[], opts: RunScheduleOptions): Promise<FaultRecord[]> {
  const done: FaultRecord[] = [];
  for (const fault of faults) {
    await sleep(opts.shape.gapMs);
    const note = await opts.before?.(fault);
    const atMs = Date.now() - opts.startedAt;
    const record: FaultRecord = { ...fault, atMs, ...(note ? { note } : {}) };
    const t0 = Date.now();
    if (fault.action === 'kill-child') {
      const parent = opts.supervisor.pid('invoice-renderer');
      record.pid = browserPid(parent);
      if (record.pid === undefined) record.note = 'no browser running (the renderer starts it on its next job)';
      else process.kill(record.pid, fault.signal);
    } else {
      record.pid = opts.supervisor.pid(fault.target);
    }
    opts.log(
      `${formatAt(atMs)}  ${fault.target.padEnd(16)} ${fault.signal.padEnd(8)} pid ${record.pid ?? '-'}  planned outage ${seconds(fault.outageMs)}  (${fault.why})`,
    );
    if (fault.action === 'kill') await opts.supervisor.kill(fault.target, fault.signal, fault.outageMs);
    if (fault.action === 'freeze') await opts.supervisor.freeze(fault.target, fault.outageMs);
    record.measuredMs = Date.now() - t0;
    opts.log(`${formatAt(Date.now() - opts.startedAt)}  ${fault.target.padEnd(16)} back after ${seconds(record.measuredMs)}`);
    done.push(record);
  }
  return done;
}

/** The Chromium browser the renderer launched: its child process whose command is chromium. */
function browserPid(parent: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (ppid === parent && /chrom/i.test(comm)) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const formatAt = (ms: number) => `[+${(ms / 1000).toFixed(1).padStart(6)} s]`;
