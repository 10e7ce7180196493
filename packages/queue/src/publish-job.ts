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
 * Deterministic, so re-enqueueing the same rows while the job still exists is a no-op. The epoch
 * is part of it: a stale job of the old epoch (enqueued after Redis lost its data, before that was
 * noticed) must not swallow the new epoch's job for the same rows, or those rows would never be
 * sent. BullMQ job ids may not contain `:` nor be all digits.
 */
export function publishJobId(partition: number, firstOutboxId: number, epoch: string): string {
  return `p${partition}-${firstOutboxId}-${epoch.slice(0, 8)}`;
}
