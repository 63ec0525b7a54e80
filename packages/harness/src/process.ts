import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from './paths.js';
import { waitFor } from './wait.js';

const running = new Set<ChildProcess>();

/** An unprivileged user a child runs as (PostgreSQL refuses to run as root). */
export interface RunAs {
  uid: number;
  gid: number;
}
let exitHookInstalled = false;

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort: never leave a database or broker behind when the parent dies.
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** A child process whose output goes to a log file, so a failed start can say why. */
export class ManagedProcess {
  readonly child: ChildProcess;
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  private readonly exited: Promise<void>;

  constructor(
    readonly component: string,
    command: string,
    args: string[],
    readonly logFile: string,
    env: NodeJS.ProcessEnv = process.env,
    cwd?: string,
    user?: RunAs,
  ) {
    installExitHook();
    mkdirSync(dirname(logFile), { recursive: true });
    const out = createWriteStream(logFile, { flags: 'a' });
    this.child = spawn(command, args, { env, cwd, ...user, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.pipe(out);
    this.child.stderr?.pipe(out);
    running.add(this.child);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        running.delete(this.child);
        resolve();
      });
      this.child.once('error', (err) => {
        out.write(`spawn error: ${err.message}\n`);
        this.exitCode = -1;
        running.delete(this.child);
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitCode === null && this.exitSignal === null;
  }

  /** Undefined while running; otherwise why it stopped and the end of its log. */
  deathNotice(): string | undefined {
    if (this.alive) return undefined;
    return `${this.component} exited (${this.exitSignal ?? `code ${this.exitCode}`}); last log lines:\n${this.tail()}`;
  }

  tail(lines = 15): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async stop(timeoutMs = 5_000): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.child.kill(signal);
    return this.exited;
  }

  wait(): Promise<void> {
    return this.exited;
  }
}

/**
 * Waits until the process answers `GET <url>/readyz` with 200; if it dies or the deadline passes first,
 * kills it (SIGKILL) and throws, saying why.
 */
export async function waitUntilReady(proc: ManagedProcess, url: string, timeoutMs = 30_000): Promise<void> {
  try {
    await waitFor(`${proc.component} to be ready at ${url}`, async () => (await fetch(`${url}/readyz`)).ok, {
      timeoutMs,
      failFast: () => proc.deathNotice(),
    });
  } catch (err) {
    await proc.kill('SIGKILL');
    throw err;
  }
}

/**
 * Runs a command to completion, streaming its output with a prefix; rejects on failure. With `signal`
 * the command runs in a process group of its own, which an abort kills whole (SIGKILL), children included.
 */
export function run(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; prefix?: string; quiet?: boolean; user?: RunAs; signal?: AbortSignal } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const { signal } = opts;
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      ...opts.user,
      detached: signal !== undefined,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const abort = () => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    };
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    child.once('exit', () => signal?.removeEventListener('abort', abort));
    let output = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      if (!opts.quiet) {
        for (const line of text.split('\n').filter(Boolean)) process.stderr.write(`${opts.prefix ?? ''}${line}\n`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (err) => reject(new Error(`${command}: ${err.message}`)));
    child.once('exit', (code) => {
      if (code === 0) resolve(output);
      else if (signal?.aborted) reject(new Error(`${command} ${args.join(' ')} stopped: ${String(signal.reason)}`));
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${output.split('\n').slice(-20).join('\n')}`));
    });
  });
}

/**
 * Starts sandboxes/<dir> from its sources as its own process, as a sandbox's process tests do: each start
 * logs to `<logs()>/<dir>-<n>.log`, gets only PATH, HOME and `env(overrides)` (PORT and LOG_LEVEL=info
 * among the overrides), and is ready when `/readyz` answers.
 */
export function sandboxStarter(
  dir: string,
  logs: () => string,
  env: (overrides: Record<string, string>) => Record<string, string>,
): (port: number, extra?: Record<string, string>, readyMs?: number) => Promise<{ proc: ManagedProcess; url: string }> {
  let starts = 0;
  return async (port, extra = {}, readyMs) => {
    const proc = new ManagedProcess(
      `${dir}-sandbox`,
      process.execPath,
      ['--conditions=shop-source', '--import', 'tsx', `sandboxes/${dir}/src/index.ts`],
      join(logs(), `${dir}-${++starts}.log`),
      { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env({ PORT: String(port), LOG_LEVEL: 'info', ...extra }) },
      ROOT,
    );
    const url = `http://127.0.0.1:${port}`;
    await waitUntilReady(proc, url, readyMs);
    return { proc, url };
  };
}
