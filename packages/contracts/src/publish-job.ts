import type { JobEvent } from './event-tracer.ts';

/** See {@link PublishJobData.timeline}. */
export interface CaptureTimeline {
  id: string;
  since: number;
}

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
  /**
   * The capture timeline the rows were read in: a capture worker starts one when it starts and when
   * it finds the database restored from an older copy. Outbox ids at or below `since` were in the
   * outbox when it began, so they name the same rows as in the timeline before — unless `since` is
   * 0. With exactly-once delivery this decides which of the rows a committed position already
   * covers (docs/architecture.md, "Exactly-once delivery"). Jobs of earlier versions have none.
   */
  timeline?: CaptureTimeline;
  /**
   * Rows the capture worker had passed without enqueueing them (ids out of commit order, see
   * find-stranded.ts): a committed position says nothing of them, so they are always sent.
   */
  unordered?: boolean;
  /** The rows, each with the context of its capture when the capture worker traces. */
  events: JobEvent[];
}
