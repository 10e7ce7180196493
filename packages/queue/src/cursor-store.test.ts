import { describe, expect, it } from 'vitest';
import { redisWentBack } from './cursor-store.ts';

describe('redisWentBack', () => {
  const found = (generation: number, jobCounters: number[] = []) => ({ generation, jobCounters });

  it('is false for the save after the last one, and for that save sent twice', () => {
    expect(redisWentBack({ lastGeneration: 7, found: found(7) })).toBe(false);
    expect(redisWentBack({ lastGeneration: 7, found: found(8) })).toBe(false);
  });

  it('is true when the save replaced an older (or missing) generation', () => {
    expect(redisWentBack({ lastGeneration: 7, found: found(6) })).toBe(true);
    expect(redisWentBack({ lastGeneration: 7, found: found(0) })).toBe(true);
  });

  it("is true when a queue's job counter is short of the jobs this iteration added", () => {
    const evidence = { countersBefore: [10, 20], jobsAdded: [0, 3] };
    expect(redisWentBack({ lastGeneration: 7, found: found(7, [10, 23]), ...evidence })).toBe(false);
    // Jobs added twice (a resend) or by nobody else only raise the counter.
    expect(redisWentBack({ lastGeneration: 7, found: found(7, [10, 26]), ...evidence })).toBe(false);
    expect(redisWentBack({ lastGeneration: 7, found: found(7, [10, 20]), ...evidence })).toBe(true);
    expect(redisWentBack({ lastGeneration: 7, found: found(7, [4, 22]), ...evidence })).toBe(true);
  });
});
