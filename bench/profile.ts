/**
 * `npm run bench -- <section> --profile`: every measured window (each `load()` case, each purchase run,
 * else the whole section) is profiled. The bench runs the gateway, the subgraphs and the load generator
 * in its own Node process, so that process is profiled with the inspector's sampling profiler (what
 * `--cpu-prof` uses) over exactly the window, and its samples are attributed to components by stack.
 * Database processes (FerretDB, PostgreSQL, mongod) are sampled with `perf` when it is installed:
 * the FerretDB wrapper embeds FerretDB without its debug (pprof) listener, and perf also covers a
 * PostgreSQL underneath. CPU per request for every process the bench started comes from /proc.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { ROOT, which } from '@shop/harness';
import { timeByComponent, topSelfTime, type CpuProfile } from './cpuprofile.js';

const TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
const DATABASES = /^(ferretdb|postgres|mongod)/;

interface Proc {
  pid: number;
  ppid: number;
  name: string;
  cpuMs: number;
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    const name = argv0.split('/').pop() || stat.slice(stat.indexOf('(') + 1, close);
    // fields[0] is field 3 (state): utime is field 14, stime 15.
    return { pid, ppid: Number(fields[1]), name, cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

/** CPU time (ms, user + system) process `pid` has used so far; undefined once it has ended. */
export function cpuMsOf(pid: number): number | undefined {
  return readProc(pid)?.cpuMs;
}

/** This process and every process it started (directly or not), with their CPU time so far. */
function descendants(): Proc[] {
  const all = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is Proc => p !== undefined);
  const mine = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (mine.has(p.pid) || !mine.has(p.ppid)) continue;
      mine.add(p.pid);
      grew = true;
    }
  }
  return all.filter((p) => mine.has(p.pid));
}

/**
 * CPU time (ms) the database has used so far: every FerretDB, PostgreSQL or mongod process this bench
 * started, PostgreSQL's backends included. Read before and after a load to charge it per request.
 */
export function databaseCpuMs(): number {
  return descendants()
    .filter((p) => DATABASES.test(p.name))
    .reduce((sum, p) => sum + p.cpuMs, 0);
}

const slug = (s: string) =>
  s
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
const say = (msg: string) => process.stderr.write(`${msg}\n`);

export class Profiler {
  section = 'bench';
  /** A window is open: windows inside it (a section's own cases) are part of it, not new ones. */
  busy = false;
  private readonly session = new Session();
  private readonly summaries: string[] = [];

  constructor(readonly dir: string) {}

  async start(): Promise<void> {
    this.session.connect();
    await this.session.post('Profiler.enable');
  }

  /** Runs `run` as one profiled window; `requests` says how many requests it served (0: unknown). */
  async window<T>(name: string, run: () => Promise<T>, requests: (result: T) => number): Promise<T> {
    const dir = join(this.dir, slug(this.section), slug(name));
    mkdirSync(dir, { recursive: true });
    const before = new Map(descendants().map((p) => [p.pid, p]));
    const dbs = [...before.values()].filter((p) => DATABASES.test(p.name));
    const perf = startPerf(dbs, join(dir, 'db.perf.data'));
    await this.session.post('Profiler.start');
    this.busy = true;
    const started = performance.now();
    let result: T;
    try {
      result = await run();
    } finally {
      this.busy = false;
    }
    const seconds = (performance.now() - started) / 1000;
    const { profile } = await this.session.post('Profiler.stop');
    const after = descendants();
    await stopPerf(perf);
    writeFileSync(join(dir, 'node.cpuprofile'), JSON.stringify(profile));
    const n = requests(result);
    const per = (ms: number) => (n > 0 ? `${(ms / n).toFixed(2)} ms/req` : `${Math.round(ms)} ms`);
    const lines = [`#### ${this.section}: ${name} (${n || '?'} requests in ${seconds.toFixed(1)} s)`, ''];
    // CPU per process name (PostgreSQL's backends are many processes under one name).
    const cpu = new Map<string, number>();
    for (const p of after) cpu.set(p.name, (cpu.get(p.name) ?? 0) + p.cpuMs - (before.get(p.pid)?.cpuMs ?? 0));
    lines.push(`CPU per ${n > 0 ? 'request' : 'window'} (/proc utime+stime; node = gateway + subgraphs + load generator):`, '');
    for (const [proc, ms] of [...cpu.entries()].sort((a, b) => b[1] - a[1])) if (ms > 0) lines.push(`- ${proc}: ${per(ms)}`);
    const p = profile as CpuProfile;
    // V8 samples by the wall clock: on a busy machine a descheduled thread still collects samples, so
    // shares come from the samples and milliseconds from this process's CPU time in /proc.
    const nodeCpu = (after.find((q) => q.pid === process.pid)?.cpuMs ?? 0) - (before.get(process.pid)?.cpuMs ?? 0);
    const components = [...timeByComponent(p, ROOT).entries()].sort((a, b) => b[1] - a[1]);
    const sampled = components.reduce((sum, [, ms]) => sum + ms, 0) || 1;
    const share = (ms: number) => `${((100 * ms) / sampled).toFixed(1)} % ≈ ${per((nodeCpu * ms) / sampled)}`;
    lines.push('', 'node process by component (share of samples, scaled to its CPU time):', '');
    for (const [c, ms] of components.slice(0, 10)) lines.push(`- ${c}: ${share(ms)}`);
    const rest = components.slice(10).reduce((sum, [, ms]) => sum + ms, 0);
    if (rest > 0) lines.push(`- ${components.length - 10} more: ${share(rest)}`);
    const { total, top } = topSelfTime(p, ROOT);
    lines.push('', `node top self time (share of ${Math.round(total)} ms sampled):`, '');
    for (const t of top) lines.push(`- ${((100 * t.ms) / total).toFixed(1)} % ${t.frame}`);
    if (perf) lines.push('', `${dbs.map((d) => d.name).join(', ')} top self time (perf):`, '', ...perfTop(perf.file));
    const text = lines.join('\n');
    writeFileSync(join(dir, 'summary.md'), `${text}\n`);
    this.summaries.push(text);
    say(`\n${text}\n`);
    return result;
  }

  async stop(): Promise<string> {
    await this.session.post('Profiler.disable');
    this.session.disconnect();
    const all = this.summaries.join('\n\n');
    writeFileSync(join(this.dir, 'summary.md'), `${all}\n`);
    return all;
  }
}

interface Perf {
  child: ChildProcess;
  file: string;
  exited: Promise<void>;
}

function startPerf(dbs: Proc[], file: string): Perf | undefined {
  if (dbs.length === 0) return undefined;
  const bin = which('perf');
  if (!bin) {
    say('» perf is not installed: the database processes get CPU per request only, no functions');
    return undefined;
  }
  const child = spawn(bin, ['record', '-q', '-g', '-F', '499', '-o', file, '-p', dbs.map((d) => d.pid).join(',')], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, file, exited };
}

async function stopPerf(perf: Perf | undefined): Promise<void> {
  if (!perf) return;
  perf.child.kill('SIGINT');
  await perf.exited;
}

/** `perf report` rows: percentage and symbol. */
function perfRows(file: string, children: boolean): string[] {
  const args = ['report', '-i', file, '--stdio', children ? '--children' : '--no-children', '--sort', 'sym', '-q', '-g', 'none'];
  const report = spawnSync('perf', args, { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (report.status !== 0) return [`perf report failed: ${report.stderr.trim()}`];
  return report.stdout
    .split('\n')
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .filter((l) => /^\d/.test(l));
}

/**
 * The top 10 symbols by self time, then the top 10 of the database's own code (Go packages of
 * FerretDB and its SQLite/PostgreSQL drivers, PostgreSQL's executor) by inclusive time: self time
 * alone is mostly Go's allocator and garbage collector, which says little about which query paid it.
 */
function perfTop(file: string): string[] {
  const own = /FerretDB\/internal\/(handler|backends)|modernc\.org\/sqlite\.|^Exec|^heap_|jsonb|^pg_/;
  const plumbing = /clientconn|util\/iterator|projectionIterator|withCloseIterator|-fm$/;
  const self = perfRows(file, false).slice(0, 10);
  const inclusive = perfRows(file, true)
    .map((l) => l.split(' '))
    .map((cols) => ({ pct: cols[0], sym: cols.slice(3).join(' ') }))
    .filter(({ sym }) => own.test(sym) && !plumbing.test(sym))
    .slice(0, 12);
  return [
    ...self.map((l) => `- ${l}`),
    '',
    "inclusive time, the database's own code (what the self time above was spent for):",
    '',
    ...inclusive.map(({ pct, sym }) => `- ${pct} ${sym}`),
  ];
}

/** The active profiler, when the bench runs with `--profile`. */
export let profiler: Profiler | undefined;

export async function startProfiling(dir: string): Promise<Profiler> {
  profiler = new Profiler(dir);
  await profiler.start();
  return profiler;
}

/** Runs `run` as a profiled window when profiling, else just runs it. */
export const profiled = <T>(name: string, run: () => Promise<T>, requests: (result: T) => number): Promise<T> =>
  profiler && !profiler.busy ? profiler.window(name, run, requests) : run();
