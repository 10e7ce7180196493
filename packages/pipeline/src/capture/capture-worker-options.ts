import type { EventTracer } from '@outbox/contracts';
import type { Logger } from '@outbox/logger';
import type { OutboxStore } from '@outbox/outbox-store';
import type { AckStream, CursorStore, PartitionQueues } from '@outbox/queue';
import type { PipelineObserver } from '../pipeline-observer.ts';

/**
 * What the capture worker is given. The sizes and intervals without a default here come from the
 * `capture` section of the config, which holds their defaults (packages/config/src/schema.ts).
 */
export interface CaptureWorkerOptions {
  /** The outbox: read in id order, scanned for rows the cursors passed, and deleted from once acknowledged. */
  store: OutboxStore;
  /**
   * Deletes acknowledged rows: given a thread of its own (startOffThreadDeleter), waiting for the
   * writer's lock no longer stops capture. @defaultValue `store.deleteAcknowledged`, on this thread
   */
  deleteAcknowledged?: (...args: Parameters<OutboxStore['deleteAcknowledged']>) => Promise<number[]>;
  /** The database file, watched for commits by other processes. */
  dbPath: string;
  /** One BullMQ queue per partition, indexed by partition; their count is the partition count. */
  queues: PartitionQueues;
  /** Where the cursors, their generation and the epoch live in Redis (see docs/architecture.md). */
  cursorStore: CursorStore;
  /** Needs a Redis connection of its own: it blocks while waiting for acknowledgements. */
  ackStream: AckStream;
  /** The partition of an aggregate; must agree with the publishers' and stay the same across restarts. */
  partitionOf: (aggregateId: string) => number;
  /** Logs as `logger.child({ component: 'capture' })`. */
  logger: Logger;
  /** Rows read per query. */
  batchSize: number;
  /** The most rows one job carries. */
  jobMaxRows: number;
  /** The most bytes of events one job carries; a single larger row gets a job of its own. */
  jobMaxBytes: number;
  /**
   * Rows enqueued and not yet acknowledged, per partition: a partition that reaches it takes no
   * more rows until acknowledgements free some, so a stuck partition stops alone.
   */
  maxInFlightPerPartition: number;
  /**
   * Jobs enqueued and not yet wholly acknowledged, per partition (see JobWindow): rows committed
   * while a partition has this many wait and go out together in its next job. @defaultValue no limit
   */
  maxJobsInFlightPerPartition?: number;
  /** Acknowledgements read from the stream at a time; each read's rows are deleted in one transaction. */
  ackBatchSize: number;
  /** The longest the worker sleeps without a change notification. */
  pollIntervalMs: number;
  /**
   * How often the outbox is searched for rows the cursors passed without enqueueing them (ids
   * inserted explicitly below a cursor); a restored database is noticed at once, without it.
   * @defaultValue 10000
   */
  sweepIntervalMs?: number;
  /**
   * Publishes what `outbox status` shows; called at most once a second while anything changes,
   * every 5 s when idle. @defaultValue none: status is not published
   */
  reportStatus?: (status: CaptureStatus) => Promise<void>;
  /**
   * Re-applies the queues' settings (global concurrency), which Redis forgets with its data;
   * called at start and after Redis lost its data or went back, before anything is enqueued.
   */
  applyQueueSettings: () => Promise<void>;
  /**
   * Told what capture does (rows enqueued and acknowledged, loop failures), so metrics and alerts
   * can follow it without the worker knowing either; a failing observer is logged, never
   * propagated. @defaultValue none: nothing watches
   */
  observers?: PipelineObserver[];
  /**
   * Traces the capture of each row, continuing its traceparent (see trace-capture.ts).
   * @defaultValue none: tracing is off
   */
  tracer?: EventTracer;
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
