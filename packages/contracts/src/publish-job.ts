import type { JobEvent } from './event-tracer.ts';

/** A BullMQ job: consecutive rows of one partition, in outbox order. */
export interface PublishJobData {
  /** The capture epoch the job was enqueued in; a job of an older epoch is stale. */
  epoch: string;
  partition: number;
  /**
   * Jobs enqueued by versions before each event carried its own type had one for the whole job;
   * an event without one takes it.
   */
  aggregateType?: string;
  /** The rows, each with the context of its capture when the capture worker traces. */
  events: JobEvent[];
}
