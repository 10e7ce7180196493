import { describe, expect, it } from 'vitest';
import { assertPartitionCount } from './assert-partition-count.ts';

describe('assertPartitionCount', () => {
  it('refuses another partition count while events are in the outbox', () => {
    expect(() => assertPartitionCount({ previous: 16, partitions: 8, depth: 3 })).toThrow(
      expect.objectContaining({ code: 'PARTITIONS_CHANGED', message: expect.stringContaining('Drain the outbox with 16') }),
    );
  });

  it('allows the same count, a drained outbox, or no count recorded', () => {
    expect(() => assertPartitionCount({ previous: 8, partitions: 8, depth: 3 })).not.toThrow();
    expect(() => assertPartitionCount({ previous: 16, partitions: 8, depth: 0 })).not.toThrow();
    expect(() => assertPartitionCount({ previous: null, partitions: 8, depth: 3 })).not.toThrow();
  });
});
