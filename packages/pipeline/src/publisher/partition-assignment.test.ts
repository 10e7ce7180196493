import { describe, expect, it } from 'vitest';
import { assignPartitions } from './partition-assignment.ts';

describe('assignPartitions', () => {
  it('gives every partition exactly one owner and spreads them over all publishers', () => {
    const members = ['a', 'b', 'c', 'd'];
    const owned = members.map((m) => assignPartitions(64, members, m));
    expect(owned.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 64 }, (_, p) => p));
    for (const mine of owned) expect(mine.length).toBeGreaterThanOrEqual(8);
  });

  it('moves only the leaving publisher’s partitions when one leaves', () => {
    const before = ['a', 'b', 'c'].map((m) => assignPartitions(16, ['a', 'b', 'c'], m));
    const after = ['a', 'b'].map((m) => assignPartitions(16, ['a', 'b'], m));
    for (const [i, mine] of after.entries()) expect(mine).toEqual(expect.arrayContaining(before[i] ?? []));
  });

  it('gives a lone publisher every partition', () => {
    expect(assignPartitions(4, ['only'], 'only')).toEqual([0, 1, 2, 3]);
    expect(assignPartitions(4, ['other'], 'only')).toEqual([]);
  });
});
