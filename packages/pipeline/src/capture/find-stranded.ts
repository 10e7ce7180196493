import type { OutboxKey, OutboxRow } from '@outbox/contracts';
import type { InFlightView } from './in-flight.ts';
import { type PlannedJob, planJobs } from './plan-jobs.ts';
import { type KeyReader, scanOutbox } from './scan-outbox.ts';

/**
 * Rows still in the outbox at or below their partition's cursor that no job carries: the capture
 * worker passed their id without enqueueing them. Tailing by id never sees them again, so they
 * would stay in the outbox for good. They come from ids that do not follow commit order — an
 * explicit id below the cursor, a database restored from an older copy (its delivered rows are
 * back, its sequence hands out ids again) — and from an in-flight id that now holds another event.
 * The invariant: every row in the outbox and not in flight is eventually enqueued, whatever its id.
 */
export function findStranded(
  store: KeyReader,
  partitionOf: (aggregateId: string) => number,
  cursors: readonly number[],
  inFlight: InFlightView,
): OutboxKey[] {
  const stranded: OutboxKey[] = [];
  scanOutbox(store, Math.max(0, ...cursors), (row) => {
    const p = partitionOf(row.aggregateId);
    if (row.id <= (cursors[p] ?? 0) && inFlight[p]?.get(row.id) !== row.eventId) stranded.push(row);
    return true;
  });
  return stranded;
}

/** Jobs for stranded rows (in id order), in their partitions, outside the cursors and budgets. */
export function planStrandedJobs(
  rows: readonly OutboxRow[],
  options: { jobMaxRows: number; jobMaxBytes: number; partitionOf: (aggregateId: string) => number },
): PlannedJob[] {
  const partitions = Math.max(0, ...rows.map((row) => options.partitionOf(row.aggregateId))) + 1;
  const none = new Array<number>(partitions).fill(0);
  return planJobs({ ...options, rows, cursors: none, inFlight: none, maxInFlightPerPartition: Number.POSITIVE_INFINITY }).jobs;
}

/**
 * The cursors to go on from when the table's id sequence is behind them, or null when it is not.
 * Cursors never pass the highest id the table handed out; a sequence behind them means the table
 * was restored from an older copy (or its sequence reset), and the ids after it come again.
 */
export function cursorsForSequence(sequence: number, cursors: readonly number[]): number[] | null {
  if (sequence >= Math.max(0, ...cursors)) return null;
  return cursors.map((cursor) => Math.min(cursor, sequence));
}

export function restoredMessage(sequence: number, cursors: readonly number[]): string {
  const highest = Math.max(0, ...cursors);
  return (
    `the outbox's id sequence (${sequence}) is behind the capture cursors (${highest}): the database was restored ` +
    'from an older copy, or its sequence was reset. Every row it holds is enqueued again (events delivered since ' +
    'that copy was made will be duplicated, with their original id headers), and new events, which re-use ' +
    `outbox ids ${sequence + 1} to ${highest}, are delivered too.`
  );
}

export function strandedMessage(ids: readonly number[]): string {
  const shown = ids.slice(0, 10).join(', ') + (ids.length > 10 ? ` and ${ids.length - 10} more` : '');
  return (
    `${ids.length} rows at or below their partition's capture cursor were never enqueued (outbox ids ${shown}): ` +
    'ids were inserted explicitly, or re-used, out of commit order. They are enqueued now, after events ' +
    'committed before them; only AUTOINCREMENT ids keep commit order.'
  );
}
