import { describe, expect, it } from 'vitest';
import { planRewind } from './plan-rewind.ts';
import { oldestPerPartition } from './scan-outbox.ts';

describe('planRewind', () => {
  it('goes to just before the oldest row still in the outbox by default', () => {
    expect(planRewind({ partition: 3, cursor: 120, oldest: 100 })).toEqual({ partition: 3, previous: 120, offset: 99 });
    expect(planRewind({ partition: 3, cursor: 120, oldest: null })).toEqual({ partition: 3, previous: 120, offset: 120 });
    expect(planRewind({ partition: 3, cursor: 120, oldest: 100, offset: 40 })).toMatchObject({ offset: 40 });
  });

  it('refuses an offset above the cursor, or one that strands rows still in the outbox', () => {
    expect(() => planRewind({ partition: 3, cursor: 120, oldest: null, offset: 121 })).toThrow(
      expect.objectContaining({ kind: 'BAD_REQUEST', code: 'OFFSET_ABOVE_CURSOR' }),
    );
    expect(() => planRewind({ partition: 3, cursor: 120, oldest: 100, offset: 100 })).toThrow(
      expect.objectContaining({ kind: 'CONFLICT', code: 'OFFSET_STRANDS_ROWS' }),
    );
  });
});

describe('oldestPerPartition', () => {
  it("finds each partition's oldest enqueued row, reading keys no further than needed", () => {
    const rows = [5, 6, 9, 12, 13].map((id) => ({ id, eventId: `e${id}`, aggregateId: String(id % 3) }));
    const reads: number[][] = [];
    const store = {
      readKeysAfter: (after: number, upTo: number, limit: number) => {
        reads.push([after, upTo]);
        return rows.filter((r) => r.id > after && r.id <= upTo).slice(0, Math.min(limit, 2));
      },
    };
    expect(oldestPerPartition(store, Number, [20, 20, 20, 20])).toEqual([6, 13, 5, null]);
    expect(reads).toEqual([
      [0, 20],
      [6, 20],
      [12, 20],
      [13, 20],
    ]);
    reads.length = 0;
    expect(oldestPerPartition(store, () => 0, [20])).toEqual([5]);
    expect(reads).toEqual([[0, 20]]);
    // Rows above a partition's cursor are not enqueued yet, and nothing above the highest cursor is read.
    reads.length = 0;
    expect(oldestPerPartition(store, Number, [9, 5, 10, 0])).toEqual([6, null, 5, null]);
    expect(reads.every(([, upTo]) => upTo === 10)).toBe(true);
    expect(oldestPerPartition(store, Number, [0, 0])).toEqual([null, null]);
  });
});
