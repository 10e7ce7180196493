import type { OutboxRow } from '@outbox/contracts';
import { describe, expect, it } from 'vitest';
import { type PlanJobsInput, planJobs } from './plan-jobs.ts';

const row = (id: number, aggregateId: string): OutboxRow => ({
  id,
  aggregateType: 'users',
  eventId: `e${id}`,
  aggregateId,
  eventType: 'E',
  payload: '{}',
  occurredAt: '2026-01-01T00:00:00.000Z',
  traceparent: null,
});

/** Aggregate "a<p>" lives in partition p. */
const base: Omit<PlanJobsInput, 'rows'> = {
  cursors: [0, 0, 0],
  inFlight: [0, 0, 0],
  maxInFlightPerPartition: 100,
  jobMaxRows: 2,
  jobMaxBytes: 1_000_000,
  partitionOf: (id) => Number(id.slice(1)),
};

describe('planJobs', () => {
  it('groups consecutive rows of a partition into capped jobs in id order', () => {
    const rows = [row(1, 'a0'), row(2, 'a1'), row(3, 'a0'), row(4, 'a0'), row(5, 'a1')];
    const plan = planJobs({ ...base, rows });
    expect(plan.jobs.map((j) => [j.partition, j.events.map((e) => e.id)])).toEqual([
      [0, [1, 3]],
      [1, [2, 5]],
      [0, [4]],
    ]);
    expect(plan.cursors).toEqual([5, 5, 5]);
  });

  it('skips rows at or below a partition cursor', () => {
    const plan = planJobs({ ...base, cursors: [3, 1, 0], rows: [row(2, 'a0'), row(3, 'a1'), row(4, 'a0')] });
    expect(plan.jobs.map((j) => j.events.map((e) => e.id))).toEqual([[3], [4]]);
  });

  it('holds back only the partition whose in-flight budget is used up', () => {
    const rows = [row(1, 'a0'), row(2, 'a1'), row(3, 'a0'), row(4, 'a2'), row(5, 'a0')];
    const plan = planJobs({ ...base, inFlight: [1, 0, 0], maxInFlightPerPartition: 2, rows });
    expect(plan.jobs.map((j) => [j.partition, j.events.map((e) => e.id)])).toEqual([
      [0, [1]],
      [1, [2]],
      [2, [4]],
    ]);
    // Partition 0 stops at its last enqueued row and will be read again from there.
    expect(plan.cursors).toEqual([1, 5, 5]);
  });

  it('splits jobs by bytes', () => {
    const big = { ...row(1, 'a0'), payload: 'x'.repeat(600) };
    const plan = planJobs({ ...base, jobMaxRows: 100, jobMaxBytes: 1000, rows: [big, { ...big, id: 2 }] });
    expect(plan.jobs).toHaveLength(2);
  });

  it('takes no rows for a partition with its most jobs in flight, and caps the jobs a batch opens', () => {
    const rows = [row(1, 'a0'), row(2, 'a1'), row(3, 'a1'), row(4, 'a1'), row(5, 'a1'), row(6, 'a1'), row(7, 'a2')];
    const plan = planJobs({ ...base, jobsInFlight: [2, 1, 0], maxJobsInFlightPerPartition: 2, rows });
    // Partition 0 is full; partition 1 opens one more job of 2 rows and then waits; partition 2 goes on.
    expect(plan.jobs.map((j) => [j.partition, j.events.map((e) => e.id)])).toEqual([
      [1, [2, 3]],
      [2, [7]],
    ]);
    // The waiting rows are read again from where each partition stopped.
    expect(plan.cursors).toEqual([0, 3, 7]);
  });
});
