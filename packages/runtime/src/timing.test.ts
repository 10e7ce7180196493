import { describe, expect, it } from 'vitest';
import { backoffDelay } from './timing.ts';

describe('backoffDelay', () => {
  it('doubles per attempt, caps, and keeps at least half of the delay', () => {
    const low = { initialMs: 100, maxMs: 1000, random: () => 0 };
    const high = { initialMs: 100, maxMs: 1000, random: () => 0.999999 };
    expect([1, 2, 3, 4, 5, 9].map((a) => backoffDelay(a, low))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 9].map((a) => backoffDelay(a, high))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});
