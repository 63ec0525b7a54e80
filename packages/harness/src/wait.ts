import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Polls `probe` until it returns a truthy value or the deadline passes; never a fixed sleep.
 * `describe` names what we wait for so that a timeout says what failed.
 */
export async function waitFor<T>(
  describe: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  { timeoutMs = 20_000, intervalMs = 50, failFast }: { timeoutMs?: number; intervalMs?: number; failFast?: () => string | undefined } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const fatal = failFast?.();
    if (fatal) throw new Error(`${describe}: ${fatal}`);
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Whether 127.0.0.1:`port` can be bound right now. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** The low end of the kernel's ephemeral range (Linux default 32768), read once. */
const EPHEMERAL_LOW = ((): number => {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 2048 ? low : 32_768;
  } catch {
    return 32_768;
  }
})();

/** Where our processes on this machine record the ports they have handed out (see `claimBlock`). */
const DEFAULT_CLAIMS_DIR = join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), `shop-port-claims-${process.getuid?.() ?? 0}`);
/** A claim holds for one to two of these: long enough for any program to bind what it was given. */
const CLAIM_PERIOD_MS = 10 * 60_000;

/** Creates `file` unless it exists: false when it did. */
function createExclusively(file: string): boolean {
  try {
    writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Claims base … base+span-1 for this caller, or returns false when any of them is already claimed.
 * Checking that a port can be bound says nothing about a port another caller has just been handed and
 * has not bound yet: two calls (in one process, as nats-server's client and monitoring ports once
 * were, or in two test workers) could be handed the same port, and the second program to bind it
 * fails. A claim is a file `<dir>/<period>/<port>` created exclusively, so exactly one caller on the
 * machine gets it; one made in the previous period still counts. Periods older than that are removed.
 */
function claimBlock(dir: string, base: number, span: number): boolean {
  const period = Math.floor(Date.now() / CLAIM_PERIOD_MS);
  const current = join(dir, String(period));
  const previous = join(dir, String(period - 1));
  mkdirSync(current, { recursive: true });
  const made: string[] = [];
  for (let port = base; port < base + span; port++) {
    const file = join(current, String(port));
    if (existsSync(join(previous, String(port))) || !createExclusively(file)) {
      for (const f of made) rmSync(f, { force: true });
      return false;
    }
    made.push(file);
  }
  for (const old of readdirSync(dir)) {
    if (Number(old) < period - 1) rmSync(join(dir, old), { recursive: true, force: true });
  }
  return true;
}

/**
 * A base port such that base … base+span-1 are all free on 127.0.0.1, for a program that is given a
 * port (or derives fixed offsets from one, like `npm start`) and binds it later, perhaps more than once
 * (a server stopped and started again on its port). The block lies below the kernel's ephemeral range:
 * ports there are never handed to listen(0) or to outgoing connections, so the busy parallel test suite
 * cannot take one between this check and the program binding it, which listen(0)-then-close cannot
 * promise. Each port is also claimed (`claimBlock`), so no other call on this machine is handed it for
 * the next 10–20 minutes. `range` narrows the search (tests): the block lies within [from, to);
 * `claims` is the claims directory (tests).
 */
export async function freePortBlock(span: number, range: { from?: number; to?: number; claims?: string } = {}): Promise<number> {
  const high = (range.to ?? EPHEMERAL_LOW) - span;
  const low = range.from ?? Math.min(10_000, high - 1);
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = low + Math.floor(Math.random() * (high - low + 1));
    const free = await Promise.all(Array.from({ length: span }, (_, i) => canBind(base + i)));
    if (free.every(Boolean) && claimBlock(range.claims ?? DEFAULT_CLAIMS_DIR, base, span)) return base;
  }
  throw new Error(`no block of ${span} free, unclaimed ports found below ${high + span}`);
}

/** A free TCP port on 127.0.0.1, for a program that binds it later (see freePortBlock). */
export const freePort = (): Promise<number> => freePortBlock(1);

export function canConnect(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}
