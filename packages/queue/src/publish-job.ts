import type { OutboxRow } from '@outbox/outbox-store';

/** An outbox row on its way to Kafka: everything a publisher needs, so it never opens the database. */
export type OutboxEvent = OutboxRow;

/** A BullMQ job: consecutive rows of one partition, in outbox order. */
export interface PublishJobData {
  partition: number;
  aggregateType: string;
  events: OutboxEvent[];
}

/**
 * Deterministic, so re-enqueueing the same rows while the job still exists is a no-op.
 * BullMQ job ids may not contain `:` nor be all digits.
 */
export function publishJobId(partition: number, firstOutboxId: number): string {
  return `p${partition}-${firstOutboxId}`;
}
