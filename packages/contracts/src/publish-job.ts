import type { OutboxEvent } from './outbox-event.ts';

/** A BullMQ job: consecutive rows of one partition, in outbox order. */
export interface PublishJobData {
  /** The capture epoch the job was enqueued in; a job of an older epoch is stale. */
  epoch: string;
  partition: number;
  aggregateType: string;
  events: OutboxEvent[];
}
