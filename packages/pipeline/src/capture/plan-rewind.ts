import { AdminError } from '../admin/admin-error.ts';

export interface RewindPlan {
  partition: number;
  /** The cursor before the rewind. */
  previous: number;
  /** The new cursor: every row of the partition above it is enqueued again, in order. */
  offset: number;
}

/**
 * Checks a rewind of one partition's cursor. Without an offset it goes to just before the oldest
 * row of the partition still in the outbox. Refused: an offset above the cursor (rows would be
 * skipped, not re-sent), and one at or above a row still in the outbox (that row's job is removed
 * and it would never be enqueued again: stranded).
 */
export function planRewind(input: { partition: number; cursor: number; oldest: number | null; offset?: number }): RewindPlan {
  const { partition, cursor, oldest } = input;
  const offset = input.offset ?? (oldest === null ? cursor : Math.min(cursor, oldest - 1));
  if (offset > cursor) {
    throw new AdminError(
      'BAD_REQUEST',
      'OFFSET_ABOVE_CURSOR',
      `partition ${partition}: offset ${offset} is above its cursor ${cursor}; a rewind only moves a cursor back`,
    );
  }
  if (oldest !== null && oldest <= offset) {
    throw new AdminError(
      'CONFLICT',
      'OFFSET_STRANDS_ROWS',
      `partition ${partition}: row ${oldest} is still in the outbox; offset ${offset} would strand it (its job is removed ` +
        `and it would never be enqueued again). Use an offset below ${oldest}, or none`,
    );
  }
  return { partition, previous: cursor, offset };
}

/**
 * Refuses a rewind unless the partition's queue is paused with no job active, as the publishers
 * see it: no job can then start, or finish and acknowledge rows, while its cursor moves.
 */
export async function assertRewindable(
  queue: { isPaused(): Promise<boolean>; getActiveCount(): Promise<number> } | undefined,
  partition: number,
): Promise<void> {
  if (!queue) throw new AdminError('NOT_FOUND', 'NOT_FOUND', `no partition ${partition}`);
  const [paused, active] = await Promise.all([queue.isPaused(), queue.getActiveCount()]);
  if (!paused) {
    throw new AdminError(
      'CONFLICT',
      'CONNECTOR_NOT_PAUSED',
      `partition ${partition}'s queue is not paused: pause the connector before changing offsets`,
    );
  }
  if (active > 0) {
    throw new AdminError(
      'CONFLICT',
      'PARTITION_ACTIVE',
      `partition ${partition} has a job being published; try again once it has finished`,
    );
  }
}
