/** The tracing section's modes (off, two sampling ratios, off again) and which system runs which mode when. */
export interface Mode {
  name: string;
  /** The receiver's endpoint path for this mode's spans (none: tracing off). */
  endpoint?: string;
  env: Record<string, string>;
}

/** The two sampling ratios of the traced systems by default: every trace, and one in ten. */
export const DEFAULT_RATIOS = [1, 0.1] as const;

/** `BENCH_TRACING_RATIOS`: two different sampling ratios from 0 to 1, comma-separated; unset or empty, the defaults. */
export function parseRatios(raw: string | undefined): readonly [number, number] {
  if (!raw?.trim()) return DEFAULT_RATIOS;
  const ratios = raw.split(',').map((r) => (/^(\d+(\.\d*)?|\.\d+)$/.test(r.trim()) ? Number(r) : NaN));
  if (ratios.length !== 2 || ratios.some((r) => !(r >= 0 && r <= 1)) || ratios[0] === ratios[1])
    throw new Error(`BENCH_TRACING_RATIOS must be two different sampling ratios from 0 to 1, comma-separated (e.g. 1,0.1), not "${raw}"`);
  return [ratios[0]!, ratios[1]!];
}

/** "100 %", "10 %", "0 %". */
export const percent = (ratio: number) => `${+(ratio * 100).toFixed(2)} %`;

/**
 * Off, on at each of two ratios (parent-based: `parentbased_always_on` for 1, else
 * `parentbased_traceidratio`), and off again. `BENCH_TRACING_RATIOS=0,0.1` measures what the SDK costs
 * when it records nothing next to 10 %.
 */
export function tracingModes(ratios: readonly [number, number] = DEFAULT_RATIOS): Mode[] {
  const traced = (ratio: number, i: number): Mode => ({
    name: `on, sampling ${percent(ratio)}`,
    endpoint: `ratio${i}`,
    env:
      ratio === 1
        ? { OTEL_TRACES_SAMPLER: 'parentbased_always_on' }
        : { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: String(ratio) },
  });
  return [
    { name: 'off', env: {} },
    ...ratios.map(traced),
    // A/A: a second system with tracing off, measured like the others. Its ratio to the first is this run's
    // noise, the yardstick for a cost of a few per cent.
    { name: 'off again (A/A)', env: {} },
  ];
}

/**
 * Which mode each system of the tracing section runs in each phase. Systems differ from one another by
 * more than a cost of a few per cent (their data, their databases' layout, what the JIT made of them):
 * with one mode per system, that difference would be charged to the mode. So the run is split into
 * phases; between phases every system is restarted in another mode.
 *
 * - 4 phases (a Latin square, the default from 4 rounds): system i runs mode (i + p) mod 4 in phase p,
 *   so every system runs every mode once and every mode runs on every system for the same rounds.
 * - 2 phases (2 or 3 rounds): system i runs mode (i + 2p) mod 4, i.e. off ↔ 10 % and 100 % ↔ A/A swap.
 * - 1 phase (profiled runs, whose profiles are per mode): each system keeps its mode.
 */
export interface PhasePlan {
  phases: number;
  /** Rounds (slices per mode and case) of phase `phase`; they add up to the run's rounds. */
  roundsOf: (phase: number) => number;
  /** Index of the mode system `system` runs in phase `phase` (of `modes` modes, one system per mode). */
  modeOf: (system: number, phase: number) => number;
}

export function phasePlan(rounds: number, modes: number, { profiled = false } = {}): PhasePlan {
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`rounds must be a whole number ≥ 1, not ${rounds}`);
  const phases = profiled ? 1 : rounds >= modes ? modes : rounds >= 2 ? 2 : 1;
  const step = modes / phases;
  if (!Number.isInteger(step)) throw new Error(`${phases} phases do not divide ${modes} modes`);
  return {
    phases,
    // The first `rounds % phases` phases take one round more.
    roundsOf: (phase) => Math.floor(rounds / phases) + (phase < rounds % phases ? 1 : 0),
    modeOf: (system, phase) => (system + step * phase) % modes,
  };
}
