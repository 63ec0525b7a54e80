import { describe, expect, it } from 'vitest';
import { parseRatios, percent, phasePlan, tracingModes } from './tracing-modes.js';

const table = (rounds: number, opts = {}) => {
  const plan = phasePlan(rounds, 4, opts);
  return Array.from({ length: plan.phases }, (_, p) => [0, 1, 2, 3].map((s) => plan.modeOf(s, p)));
};

describe('phasePlan', () => {
  it('is a Latin square from 4 rounds: every system runs every mode once, every phase runs every mode', () => {
    const square = table(8);
    expect(square).toEqual([
      [0, 1, 2, 3],
      [1, 2, 3, 0],
      [2, 3, 0, 1],
      [3, 0, 1, 2],
    ]);
    for (let s = 0; s < 4; s++) expect(new Set(square.map((phase) => phase[s])).size).toBe(4);
  });

  it('spreads the rounds over the phases, the first phases taking the rest', () => {
    const plan = phasePlan(10, 4);
    expect([0, 1, 2, 3].map((p) => plan.roundsOf(p))).toEqual([3, 3, 2, 2]);
    expect(phasePlan(4, 4).roundsOf(3)).toBe(1);
  });

  it('swaps off ↔ 10 % and 100 % ↔ A/A with 2 or 3 rounds, and keeps each mode in place when profiled or with 1 round', () => {
    expect(table(3)).toEqual([
      [0, 1, 2, 3],
      [2, 3, 0, 1],
    ]);
    expect(phasePlan(3, 4).roundsOf(0) + phasePlan(3, 4).roundsOf(1)).toBe(3);
    expect(table(8, { profiled: true })).toEqual([[0, 1, 2, 3]]);
    expect(table(1)).toEqual([[0, 1, 2, 3]]);
  });

  it('refuses rounds that are not a whole number', () => {
    expect(() => phasePlan(0, 4)).toThrow(/rounds/);
    expect(() => phasePlan(2.5, 4)).toThrow(/rounds/);
  });
});

describe('tracingModes', () => {
  it('is off, on at each ratio (parent-based, always_on for 1), and off again', () => {
    const modes = tracingModes([1, 0.1]);
    expect(modes.map((m) => m.name)).toEqual(['off', 'on, sampling 100 %', 'on, sampling 10 %', 'off again (A/A)']);
    expect(modes[1]!.env).toEqual({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' });
    expect(modes[2]!.env).toEqual({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' });
    expect(new Set(modes.map((m) => m.endpoint)).size).toBe(3); // two receiver endpoints, none for off
    expect(modes[0]!.endpoint ?? modes[3]!.endpoint).toBeUndefined();
  });

  it('names 0 % and fractional ratios', () => {
    expect(tracingModes([0, 0.05]).map((m) => m.name)).toEqual(['off', 'on, sampling 0 %', 'on, sampling 5 %', 'off again (A/A)']);
    expect(percent(0.125)).toBe('12.5 %');
  });
});

describe('parseRatios', () => {
  it('reads two ratios, and the defaults when unset', () => {
    expect(parseRatios('0, 0.1')).toEqual([0, 0.1]);
    expect(parseRatios(undefined)).toEqual([1, 0.1]);
    expect(parseRatios(' ')).toEqual([1, 0.1]);
  });

  it('refuses anything but two different ratios from 0 to 1', () => {
    for (const raw of ['0.1', '1,0.1,0', '1,1', '1.5,0.1', '-0.1,1', 'all,0.1', '1,', '0x1,0'])
      expect(() => parseRatios(raw), raw).toThrow(/BENCH_TRACING_RATIOS must be two different sampling ratios/);
  });
});
