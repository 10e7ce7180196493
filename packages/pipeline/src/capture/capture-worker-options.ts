import type { Logger } from '@outbox/logger';
import type { OutboxStore } from '@outbox/outbox-store';
import type { AckStream, CursorStore, PartitionQueues } from '@outbox/queue';
import type { PipelineObserver } from '../pipeline-observer.ts';

export interface CaptureWorkerOptions {
  store: OutboxStore;
  /** The database file, watched for commits by other processes. */
  dbPath: string;
  queues: PartitionQueues;
  cursorStore: CursorStore;
  /** Needs a Redis connection of its own: it blocks while waiting for acknowledgements. */
  ackStream: AckStream;
  partitionOf: (aggregateId: string) => number;
  aggregateType: string;
  logger: Logger;
  /** Rows read per query. */
  batchSize: number;
  jobMaxRows: number;
  jobMaxBytes: number;
  maxInFlightPerPartition: number;
  ackBatchSize: number;
  /** The longest the worker sleeps without a change notification. */
  pollIntervalMs: number;
  /**
   * How often the outbox is searched for rows the cursors passed without enqueueing them (ids
   * inserted explicitly below a cursor); a restored database is noticed at once, without it.
   * @defaultValue 10000
   */
  sweepIntervalMs?: number;
  /** Publishes what `outbox status` shows; called at most once a second while anything changes. */
  reportStatus?: (status: CaptureStatus) => Promise<void>;
  /**
   * Re-applies the queues' settings (global concurrency), which Redis forgets with its data;
   * called at start and after Redis lost its data, before anything is enqueued.
   */
  applyQueueSettings: () => Promise<void>;
  /**
   * Told what capture does (rows enqueued and acknowledged, loop failures), so metrics and alerts
   * can follow it without the worker knowing either; a failing observer is logged, never
   * propagated. @defaultValue none: nothing watches
   */
  observers?: PipelineObserver[];
}

/** One partition's capture position, for operators (Kafka Connect's offsets). */
export interface PartitionOffset {
  partition: number;
  /** The cursor: the highest outbox id enqueued for the partition. */
  offset: number;
  /** Rows enqueued and not yet acknowledged. */
  inFlight: number;
  /**
   * The partition's oldest row still in the outbox at or below its cursor (enqueued and not
   * acknowledged), or null when it has none.
   */
  oldestOutboxId: number | null;
}

/** What the capture worker last saw, for operators. */
export interface CaptureStatus {
  depth: number;
  oldestOccurredAt: string;
  /** Events enqueued but not yet acknowledged, per partition. */
  inFlight: number[];
  updatedAt: string;
}
