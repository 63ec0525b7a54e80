import { parseArgs } from 'node:util';

export const HELP = `Usage: npm run chaos -- [options]

Starts the whole system as \`npm start\` does (its own ports and a temporary state directory, the default
settings), drives purchases through the gateway while killing and freezing every process one after
another, restarts whatever stops (as a supervisor would), waits for the system to settle, then
reconciles orders, payments, refunds, invoices, emails, SMS, stock and the DLQ and prints a table.
Exits 1 on any mismatch.

Options:
  --purchases N     purchases to drive (default 100; 30 with --bounded)
  --concurrency N   purchases in flight at once (default 4; 3 with --bounded)
  --bounded         the short schedule CI runs: fewer purchases and shorter gaps, the same kinds of
                    faults, still one outage over 90 s and the database frozen for 60 s (~8 min)
  --seed N          seed of the fault order, gaps and purchase mix (default: random, printed)
  --keep            keep the state directory (logs, database, mails) after the run and print its path
  --help            this text
`;

export interface ChaosOptions {
  purchases: number;
  concurrency: number;
  bounded: boolean;
  seed: number;
  keep: boolean;
}

export class UsageError extends Error {}

function positive(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be an integer from 1 to ${max}, got "${raw}"`);
  return n;
}

/** The purchases and concurrency of a run, full and bounded. */
export interface RunDefaults {
  full: { purchases: number; concurrency: number };
  bounded: { purchases: number; concurrency: number };
}

/** Parses the command line of a run (chaos, cluster); `undefined` means --help was asked for. */
export function parseRunArgs(argv: readonly string[], defaults: RunDefaults): ChaosOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        purchases: { type: 'string' },
        concurrency: { type: 'string' },
        bounded: { type: 'boolean', default: false },
        seed: { type: 'string' },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return undefined;
  const bounded = values.bounded;
  const d = bounded ? defaults.bounded : defaults.full;
  return {
    bounded,
    purchases: positive('purchases', values.purchases, d.purchases, 1_000),
    concurrency: positive('concurrency', values.concurrency, d.concurrency, 32),
    seed: positive('seed', values.seed, 1 + Math.floor(Math.random() * 2_147_483_646), 2_147_483_647),
    keep: values.keep,
  };
}

/** Parses `npm run chaos`'s command line; `undefined` means --help was asked for. */
export const parseChaosArgs = (argv: readonly string[]): ChaosOptions | undefined =>
  parseRunArgs(argv, { full: { purchases: 100, concurrency: 4 }, bounded: { purchases: 30, concurrency: 3 } });

/** A small seeded generator (mulberry32): the same seed gives the same schedule and purchase mix. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
