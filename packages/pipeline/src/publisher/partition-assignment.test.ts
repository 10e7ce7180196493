import { describe, expect, it } from 'vitest';
import { assignPartitions, partitionOwners } from './partition-assignment.ts';

/** Member lists of publishers named as a deployment names them: different names every time. */
function memberSets(count: number, size: number): string[][] {
  return Array.from({ length: count }, (_, set) => Array.from({ length: size }, (_, i) => `publisher-${set}-${i}`));
}

/** Partitions that went from one publisher to another, both members before and after: moved for balance alone. */
function movedBetweenStayers(before: readonly string[], after: readonly string[], stayers: readonly string[]): number {
  return before.filter((owner, p) => stayers.includes(owner) && stayers.includes(after[p] ?? '') && after[p] !== owner).length;
}

describe('assignPartitions', () => {
  it('gives every partition exactly one owner, and every publisher ⌊P/N⌋ or ⌈P/N⌉ of them', () => {
    for (const [partitions, size] of [
      [16, 2],
      [16, 3],
      [16, 4],
      [64, 5],
      [3, 5],
    ] as const) {
      for (const members of memberSets(50, size)) {
        const owned = members.map((m) => assignPartitions(partitions, members, m));
        expect(owned.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: partitions }, (_, p) => p));
        for (const mine of owned) {
          expect(mine.length).toBeGreaterThanOrEqual(Math.floor(partitions / size));
          expect(mine.length).toBeLessThanOrEqual(Math.ceil(partitions / size));
        }
      }
    }
  });

  it('splits 16 partitions evenly between the benchmark’s publishers (rendezvous hashing alone: 4 and 12)', () => {
    expect(['p1', 'p2'].map((m) => assignPartitions(16, ['p1', 'p2'], m).length)).toEqual([8, 8]);
    const four = ['p1', 'p2', 'p3', 'p4'];
    expect(four.map((m) => assignPartitions(16, four, m).length)).toEqual([4, 4, 4, 4]);
  });

  it('moves mostly the leaving publisher’s partitions when one leaves, and mostly the joining one’s when one joins', () => {
    let leaving = 0;
    let joining = 0;
    const sets = memberSets(200, 4);
    for (const members of sets) {
      const before = partitionOwners(16, members);
      const stayers = members.slice(1);
      const left = movedBetweenStayers(before, partitionOwners(16, stayers), stayers);
      const joined = movedBetweenStayers(before, partitionOwners(16, [...members, 'newcomer']), members);
      // At most one publisher's share (4) moves besides the leaver's or the newcomer's own.
      expect(left).toBeLessThanOrEqual(4);
      expect(joined).toBeLessThanOrEqual(4);
      leaving += left;
      joining += joined;
    }
    // About one partition on average (1.0 and 1.2 when written); contiguous ranges by name move up to 6.
    expect(leaving / sets.length).toBeLessThan(1.5);
    expect(joining / sets.length).toBeLessThan(1.5);
  });

  it('gives a lone publisher every partition', () => {
    expect(assignPartitions(4, ['only'], 'only')).toEqual([0, 1, 2, 3]);
    expect(assignPartitions(4, ['other'], 'only')).toEqual([]);
  });

  it('leaves every partition without an owner when no publisher is live', () => {
    expect(partitionOwners(3, [])).toEqual([undefined, undefined, undefined]);
  });
});
