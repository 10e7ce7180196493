import type { OutboxRow } from '@outbox/outbox-store';
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
  it("finds each partition's oldest row, reading no further than needed", () => {
    const rows = [5, 6, 9, 12, 13].map((id) => ({ id, aggregateId: String(id % 3) }) as OutboxRow);
    const reads: number[] = [];
    const store = {
      readAfter: (after: number, limit: number) => {
        reads.push(after);
        return rows.filter((r) => r.id > after).slice(0, Math.min(limit, 2));
      },
    };
    expect(oldestPerPartition(store, Number, 4)).toEqual([6, 13, 5, null]);
    expect(reads).toEqual([0, 6, 12, 13]);
    reads.length = 0;
    expect(oldestPerPartition(store, () => 0, 1)).toEqual([5]);
    expect(reads).toEqual([0]);
  });
});
