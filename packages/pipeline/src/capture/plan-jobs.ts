import type { OutboxRow } from '@outbox/contracts';

export interface PlanJobsInput {
  /** Rows read after the lowest cursor of a partition that had room, in id order. */
  rows: readonly OutboxRow[];
  /** Highest id already enqueued, per partition. */
  cursors: readonly number[];
  /** Rows enqueued but not yet acknowledged, per partition. */
  inFlight: readonly number[];
  maxInFlightPerPartition: number;
  /** Jobs enqueued but not yet wholly acknowledged, per partition (see JobWindow). @defaultValue none */
  jobsInFlight?: readonly number[];
  /** A partition with this many jobs in flight takes no rows until one is done. @defaultValue no limit */
  maxJobsInFlightPerPartition?: number;
  jobMaxRows: number;
  jobMaxBytes: number;
  partitionOf: (aggregateId: string) => number;
}

export interface PlannedJob {
  partition: number;
  events: OutboxRow[];
}

export interface JobPlan {
  jobs: PlannedJob[];
  /** The cursors once these jobs are enqueued. */
  cursors: number[];
}

/**
 * Splits a batch of outbox rows into jobs: consecutive rows of one partition, capped in rows and
 * bytes. A partition whose in-flight budget is used up takes nothing more from this batch and
 * keeps its cursor, so it is read again later from where it stopped (likewise one with its most
 * jobs in flight: its rows wait to go out together); every other partition's
 * cursor moves to the end of the batch, since the batch held all of its rows in that range.
 * That is what keeps one stuck partition from holding the others back.
 */
export function planJobs(input: PlanJobsInput): JobPlan {
  const cursors = [...input.cursors];
  const last = input.rows.at(-1)?.id;
  if (last === undefined) return { jobs: [], cursors };

  const jobs: PlannedJob[] = [];
  const open = new Map<number, { job: PlannedJob; bytes: number }>();
  const taken = new Map<number, number>();
  const blocked = new Set<number>();
  const maxJobs = input.maxJobsInFlightPerPartition ?? Number.POSITIVE_INFINITY;
  const jobsInFlight = [...(input.jobsInFlight ?? [])];

  for (const row of input.rows) {
    const partition = input.partitionOf(row.aggregateId);
    if (row.id <= (input.cursors[partition] ?? 0) || blocked.has(partition)) continue;
    const count = taken.get(partition) ?? 0;
    if ((input.inFlight[partition] ?? 0) + count >= input.maxInFlightPerPartition) {
      blocked.add(partition);
      continue;
    }
    const bytes = rowBytes(row);
    let current = open.get(partition);
    if (!current || current.job.events.length >= input.jobMaxRows || current.bytes + bytes > input.jobMaxBytes) {
      if ((jobsInFlight[partition] ?? 0) >= maxJobs) {
        blocked.add(partition);
        continue;
      }
      jobsInFlight[partition] = (jobsInFlight[partition] ?? 0) + 1;
      current = { job: { partition, events: [] }, bytes: 0 };
      open.set(partition, current);
      jobs.push(current.job);
    }
    current.job.events.push(row);
    current.bytes += bytes;
    taken.set(partition, count + 1);
    cursors[partition] = row.id;
  }

  for (let p = 0; p < cursors.length; p++) {
    const full = (input.inFlight[p] ?? 0) >= input.maxInFlightPerPartition || (input.jobsInFlight?.[p] ?? 0) >= maxJobs;
    if (!blocked.has(p) && !full) cursors[p] = Math.max(cursors[p] ?? 0, last);
  }
  return { jobs, cursors };
}

function rowBytes(row: OutboxRow): number {
  return 128 + row.payload.length + row.eventId.length + row.aggregateId.length + row.eventType.length;
}
