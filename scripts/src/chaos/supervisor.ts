import { setTimeout as sleep } from 'node:timers/promises';
import type { ManagedProcess } from '@shop/harness';

/** A process the supervisor keeps running: `start` spawns it and resolves once it is ready. */
export interface Unit {
  name: string;
  start: () => Promise<ManagedProcess>;
}

const RESTART_DELAY_MS = [1_000, 2_000, 4_000, 8_000];

/**
 * Keeps every unit running, as systemd or Kubernetes would: a process that exits (killed or crashed) is
 * started again after a short, growing delay, until it is ready. `kill` can hold the restart back to
 * make an outage of a chosen length. Every exit and restart is counted and logged.
 */
export class Supervisor {
  private readonly units = new Map<string, Unit>();
  private readonly procs = new Map<string, ManagedProcess>();
  private readonly holds = new Map<string, Promise<unknown>>();
  private readonly restarting = new Map<string, Promise<void>>();
  readonly restarts = new Map<string, number>();
  private stopping = false;

  constructor(private readonly log: (line: string) => void) {}

  /**
   * Starts the units one after another, in order; a group (an array) starts at once, e.g. the replicas
   * of one service. A unit that cannot start stops everything.
   */
  async startAll(units: readonly (Unit | readonly Unit[])[]): Promise<void> {
    for (const step of units) {
      const group = Array.isArray(step) ? (step as readonly Unit[]) : [step as Unit];
      const started = await Promise.allSettled(group.map(async (unit) => [unit, await unit.start()] as const));
      for (const s of started) {
        if (s.status !== 'fulfilled') continue;
        const [unit, proc] = s.value;
        this.units.set(unit.name, unit);
        this.adopt(unit, proc);
        this.log(`${unit.name} ready (pid ${proc.pid})`);
      }
      const failed = started.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  pid(name: string): number {
    const pid = this.procs.get(name)?.pid;
    if (pid === undefined) throw new Error(`${name} is not running`);
    return pid;
  }

  /** The pid while the unit runs, else undefined (down, or restarting). */
  runningPid(name: string): number | undefined {
    const proc = this.procs.get(name);
    return proc?.alive ? proc.pid : undefined;
  }

  names(): string[] {
    return [...this.units.keys()];
  }

  /** Sends `signal`; the restart that follows waits at least `downMs`. Resolves once it runs again. */
  async kill(name: string, signal: NodeJS.Signals, downMs: number): Promise<void> {
    const proc = this.procs.get(name);
    if (!proc) throw new Error(`unknown unit ${name}`);
    this.holds.set(name, sleep(downMs));
    await proc.kill(signal);
    await this.settled(name);
  }

  /** SIGSTOP, `ms` frozen, SIGCONT: the process keeps its sockets but answers nothing meanwhile. */
  async freeze(name: string, ms: number): Promise<void> {
    const proc = this.procs.get(name);
    if (!proc?.alive) throw new Error(`${name} is not running`);
    proc.child.kill('SIGSTOP');
    try {
      await sleep(ms);
    } finally {
      proc.child.kill('SIGCONT');
    }
  }

  /** Resolves when `name` is running (after a restart in progress, if any). */
  async settled(name: string): Promise<void> {
    await this.restarting.get(name);
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const name of [...this.units.keys()].reverse()) {
      await this.restarting.get(name)?.catch(() => undefined);
      await this.procs.get(name)?.stop();
    }
  }

  private adopt(unit: Unit, proc: ManagedProcess): void {
    this.procs.set(unit.name, proc);
    void proc.wait().then(() => {
      if (this.stopping || this.procs.get(unit.name) !== proc) return;
      this.log(`${unit.name} exited (${proc.exitSignal ?? `code ${proc.exitCode}`}); restarting`);
      const restart = this.restart(unit).finally(() => this.restarting.delete(unit.name));
      this.restarting.set(unit.name, restart);
    });
  }

  private async restart(unit: Unit): Promise<void> {
    const downSince = Date.now();
    await this.holds.get(unit.name);
    this.holds.delete(unit.name);
    for (let attempt = 0; !this.stopping; attempt++) {
      await sleep(RESTART_DELAY_MS[Math.min(attempt, RESTART_DELAY_MS.length - 1)]);
      if (this.stopping) return;
      try {
        const proc = await unit.start();
        this.restarts.set(unit.name, (this.restarts.get(unit.name) ?? 0) + 1);
        this.adopt(unit, proc);
        this.log(`${unit.name} restarted (pid ${proc.pid}) after ${((Date.now() - downSince) / 1000).toFixed(1)} s down`);
        return;
      } catch (err) {
        this.log(`${unit.name} failed to start (attempt ${attempt + 1}): ${firstLine(err)}`);
      }
    }
  }
}

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];
