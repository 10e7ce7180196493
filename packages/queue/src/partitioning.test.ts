import { describe, expect, it } from 'vitest';
import { partitionOf } from './partitioning.ts';

describe('partitionOf', () => {
  it('is stable and spreads aggregates over every partition', () => {
    expect(partitionOf('42', 16)).toBe(partitionOf('42', 16));
    // Pinned values: a change here would split existing aggregates across queues.
    expect(['1', '2', 'user-7', 'ä'].map((id) => partitionOf(id, 16))).toEqual([12, 5, 14, 2]);
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) {
      const p = partitionOf(String(i), 16);
      counts[p] = (counts[p] ?? 0) + 1;
    }
    expect(Math.min(...counts)).toBeGreaterThan(700);
    expect(Math.max(...counts)).toBeLessThan(1300);
  });
});
