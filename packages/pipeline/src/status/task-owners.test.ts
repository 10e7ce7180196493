import { describe, expect, it } from 'vitest';
import { assignPartitions } from '../publisher/partition-assignment.ts';
import { taskOwners } from './task-owners.ts';

describe('taskOwners', () => {
  it('gives each partition to the publisher that runs it', () => {
    const owners = taskOwners(16, [
      { name: 'a', partitions: 16 },
      { name: 'b', partitions: null },
    ]);
    expect(owners.size).toBe(16);
    for (const p of assignPartitions(16, ['a', 'b'], 'a')) expect(owners.get(p)).toBe('a');
  });

  it('leaves unassigned what a publisher with a smaller count would own but never runs', () => {
    const owners = taskOwners(16, [{ name: 'eight', partitions: 8 }]);
    expect([...owners.keys()].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // And a larger count never invents partitions the connector does not have.
    expect(taskOwners(4, [{ name: 'many', partitions: 32 }]).size).toBeLessThanOrEqual(4);
  });
});
