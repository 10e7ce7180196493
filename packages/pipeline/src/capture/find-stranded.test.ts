import { describe, expect, it } from 'vitest';
import { cursorsForSequence, findStranded, planStrandedJobs } from './find-stranded.ts';

const row = (id: number, aggregateId: string, eventId = `e${id}`) => ({ id, eventId, aggregateId });

describe('findStranded', () => {
  const store = (rows: ReturnType<typeof row>[]) => ({
    readKeysAfter: (after: number, upTo: number, limit: number) =>
      rows.filter((r) => r.id > after && r.id <= upTo).slice(0, limit),
  });

  it('finds rows at or below their cursor that no job carries, and rows whose id now holds another event', () => {
    const rows = [row(3, '0'), row(4, '1'), row(6, '0'), row(7, '1', 'reused'), row(9, '1')];
    const inFlight = [new Map([[6, 'e6']]), new Map([[7, 'e7']])];
    // Partition 0 has passed 8, partition 1 only 5: row 9 is not captured yet, so it is not stranded.
    const stranded = findStranded(store(rows), Number, [8, 5], inFlight);
    expect(stranded.map((r) => r.id)).toEqual([3, 4]);
    expect(findStranded(store(rows), Number, [8, 8], inFlight).map((r) => r.id)).toEqual([3, 4, 7]);
  });

  it('finds nothing when every row below a cursor is in flight as itself', () => {
    const rows = [row(1, '0'), row(2, '0')];
    expect(
      findStranded(
        store(rows),
        () => 0,
        [2],
        [
          new Map([
            [1, 'e1'],
            [2, 'e2'],
          ]),
        ],
      ),
    ).toEqual([]);
  });
});

describe('cursorsForSequence', () => {
  it('moves cursors back to a sequence behind them (a restored database), and leaves them otherwise', () => {
    expect(cursorsForSequence(100, [200, 50, 120])).toEqual([100, 50, 100]);
    expect(cursorsForSequence(200, [200, 50])).toBeNull();
    expect(cursorsForSequence(0, [0, 0])).toBeNull();
  });
});

describe('planStrandedJobs', () => {
  it('groups stranded rows into jobs of their partitions, in id order, whatever the cursors', () => {
    const rows = [3, 4, 5].map((id) => ({
      ...row(id, String(id % 2)),
      aggregateType: 'users',
      eventType: 'E',
      payload: '{}',
      occurredAt: 'now',
      traceparent: null,
    }));
    const jobs = planStrandedJobs(rows, { jobMaxRows: 10, jobMaxBytes: 1_000_000, partitionOf: Number });
    expect(jobs.map((job) => [job.partition, job.events.map((e) => e.id)])).toEqual([
      [1, [3, 5]],
      [0, [4]],
    ]);
  });
});
