import type { OutboxRow } from '@outbox/outbox-store';

/** An outbox row on its way to Kafka: everything a publisher needs, so it never opens the database. */
export type OutboxEvent = OutboxRow;

/** A BullMQ job: consecutive rows of one partition, in outbox order. */
export interface PublishJobData {
  /** The capture epoch the job was enqueued in; a job of an older epoch is stale. */
  epoch: string;
  partition: number;
  aggregateType: string;
  events: OutboxEvent[];
}

/**
 * Deterministic, so re-enqueueing exactly the same rows while the job still exists is a no-op.
 * BullMQ silently keeps the existing job on an id clash, so the id names the whole content: the
 * first and last rows (a re-read after a crash may group more rows behind the same first one) and
 * the epoch (a stale job of the old epoch must not swallow the new epoch's job for the same rows).
 * Otherwise the swallowed rows would never be sent. BullMQ job ids may not contain `:` nor be all
 * digits.
 */
export function publishJobId(partition: number, firstOutboxId: number, lastOutboxId: number, epoch: string): string {
  return `p${partition}-${firstOutboxId}-${lastOutboxId}-${epoch.slice(0, 8)}`;
}
