import { OutboxError } from '@outbox/errors';

/**
 * Refuses to start with another partition count than the pipeline ran with (`previous`, null when
 * Redis has none) while events are still in the outbox: an aggregate's next events would land in
 * another queue than those before them, and lose their order.
 */
export function assertPartitionCount({
  previous,
  partitions,
  depth,
}: {
  previous: number | null;
  partitions: number;
  depth: number;
}): void {
  if (previous === null || previous === partitions || !(depth > 0)) return;
  throw new OutboxError(
    `the pipeline ran with ${previous} partitions and ${depth} events are still in the outbox; ` +
      `changing to ${partitions} now would split aggregates across queues and break their order. ` +
      `Drain the outbox with ${previous} partitions first, then restart with ${partitions}.`,
    { code: 'PARTITIONS_CHANGED' },
  );
}
