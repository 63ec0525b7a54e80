import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from './paths.js';
import { which } from './apt.js';
import { run } from './process.js';
import { waitFor } from './wait.js';

/** The Go toolchain, if the machine has one. */
export function goBinary(): string | undefined {
  return which('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
}

/** A program built by `go build` in a committed wrapper module (tools/<name>) and cached outside git. */
export interface GoTool {
  /** What the progress lines call it (`FerretDB v1.24.2`). */
  label: string;
  /** Cache file name prefix (`ferretdb-v1.24.2`). */
  name: string;
  /** The wrapper module's directory. */
  dir: string;
  /** The wrapper's files that make up the cache key besides the build arguments. */
  files: string[];
  /** `go` arguments before `-o <file>` (`build -trimpath`), part of the cache key. */
  args: string[];
  /** What to build after `-o <file>` (`.`, or a tool's package path); fixed by the wrapper's files. */
  target: string;
  /** How long the first build takes here, for the progress line (`~1–2 min`). */
  expected: string;
  /** The error when Go is missing. */
  missingGo: string;
}

/** Where the tool's binary is cached: its name and a digest of the build arguments and wrapper files. */
export function goToolPath(tool: GoTool): string {
  const h = createHash('sha256');
  h.update(tool.args.join(' '));
  for (const f of tool.files) h.update(readFileSync(join(tool.dir, f)));
  return join(CACHE_DIR, 'bin', `${tool.name}-${h.digest('hex').slice(0, 12)}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the tool's cached binary, building it the first time. One build at a time per binary across
 * processes (a lock file holding the builder's pid): a second caller, e.g. a test while the test run's
 * global setup builds in the background, waits for that build instead of starting another. `signal`
 * stops the build (its whole process group) and releases the lock.
 */
export async function ensureGoTool(tool: GoTool, opts: { signal?: AbortSignal } = {}): Promise<string> {
  const bin = goToolPath(tool);
  const lock = `${bin}.lock`;
  mkdirSync(join(CACHE_DIR, 'bin'), { recursive: true });
  for (;;) {
    if (existsSync(bin)) return bin;
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(readFileSync(lock, 'utf8'));
    if (!alive(holder)) {
      rmSync(lock, { force: true });
      continue;
    }
    process.stderr.write(`» waiting for ${tool.label}, being built by process ${holder}…\n`);
    await waitFor(`${tool.label} built by process ${holder}`, () => existsSync(bin) || !existsSync(lock) || !alive(holder), {
      timeoutMs: 30 * 60_000,
      intervalMs: 1_000,
    });
  }
  try {
    if (existsSync(bin)) return bin;
    const go = goBinary();
    if (!go) throw new Error(tool.missingGo);
    const tmp = `${bin}.tmp-${process.pid}`;
    process.stderr.write(`» building ${tool.label} from the Go module proxy (first time only, ${tool.expected})…\n`);
    const started = Date.now();
    const elapsed = () => Math.round((Date.now() - started) / 1000);
    // `go build` is silent while it compiles: say every 30 s that it still runs.
    const ticker = setInterval(() => process.stderr.write(`» still building ${tool.label} (${elapsed()} s)…\n`), 30_000);
    try {
      await run(go, [...tool.args, '-o', tmp, tool.target], { cwd: tool.dir, prefix: `  go (${tool.name}): `, signal: opts.signal });
    } finally {
      clearInterval(ticker);
    }
    renameSync(tmp, bin);
    process.stderr.write(`» ${tool.label} built in ${elapsed()} s → ${bin}\n`);
    return bin;
  } finally {
    rmSync(lock, { force: true });
  }
}
