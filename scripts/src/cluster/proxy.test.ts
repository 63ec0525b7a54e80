import { describe, expect, it } from 'vitest';
import { Rotation } from './proxy.js';

describe('Rotation (the round-robin proxy’s choice of replica)', () => {
  it('hands requests to the replicas in turn', () => {
    const r = new Rotation(3, 1_000);
    expect([0, 1, 2, 3].map(() => r.order(0)[0])).toEqual([0, 1, 2, 0]);
  });

  it('skips a replica that refused a connection until its ejection ends, then takes it back', () => {
    const r = new Rotation(2, 1_000);
    r.eject(0, 10_000);
    expect([r.order(10_100)[0], r.order(10_200)[0], r.order(10_300)[0]]).toEqual([1, 1, 1]);
    expect([r.order(11_000)[0], r.order(11_000)[0]]).toEqual([1, 0]); // 0 serves again in its turn
  });

  it('still tries ejected replicas, last, when every replica is ejected', () => {
    const r = new Rotation(2, 1_000);
    r.eject(0, 0);
    r.eject(1, 0);
    expect(r.order(500)).toEqual([0, 1]);
    expect(r.order(500)).toEqual([1, 0]);
  });

  it('takes a replica back at once when it answers again', () => {
    const r = new Rotation(2, 60_000);
    r.eject(1, 0);
    r.restore(1);
    expect(r.order(1)).toEqual([0, 1]);
    expect(r.order(1)).toEqual([1, 0]);
  });

  it('refuses to rotate over no replicas', () => {
    expect(() => new Rotation(0, 1_000)).toThrow(/at least one upstream/);
  });
});
