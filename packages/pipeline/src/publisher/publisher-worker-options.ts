import type { EventTracer } from '@outbox/contracts';
import type { Logger } from '@outbox/logger';
import type { AckStream, PipelineNames, RedisClient } from '@outbox/queue';
import type { PipelineObserver } from '../pipeline-observer.ts';
import type { ExactlyOnceOptions } from './exactly-once/exactly-once-delivery.ts';
import type { JobDeliveryOptions } from './job-delivery.ts';

/**
 * A publisher's dependencies and settings. The settings have no defaults here: the publisher
 * service passes the configuration's (`publisher.*` and `kafka.*Template`, whose defaults are in
 * packages/config/src/schema.ts).
 */
export interface PublisherWorkerOptions extends Omit<JobDeliveryOptions, 'signal' | 'observer'> {
  /** Shown as the owner of the partitions it works on (BullMQ's `processedBy`). */
  name: string;
  /** BullMQ duplicates it for each worker's blocking connection. */
  redis: RedisClient;
  /** The connector's Redis keys and queue names. */
  names: PipelineNames;
  /** BullMQ's key prefix for the partition queues. */
  prefix: string;
  /** How many partitions (queues) the connector has; this publisher works on the ones assigned to it. */
  partitions: number;
  /** Where acknowledgements go, for the capture worker to delete the rows. */
  ackStream: AckStream;
  /** The publisher logs through a child of it (component `publisher`, with its name). */
  logger: Logger;
  /**
   * Told what the publisher does (sends, retries, dead letters, halts and resumes), so metrics and
   * alerts can follow it without the worker knowing either; a failing observer is logged, never
   * propagated. @defaultValue none: nothing watches
   */
  observers?: PipelineObserver[];
  /**
   * Traces each job's events and their Kafka sends, continuing their capture (see trace-job.ts);
   * the producer must trace its sends with the same tracer. @defaultValue none: tracing is off
   */
  tracer?: EventTracer;
  /**
   * How long a job's lock lasts without renewal (BullMQ renews it every half of this): a dead
   * publisher's job is taken over after about lockDurationMs + stalledIntervalMs.
   */
  lockDurationMs: number;
  /**
   * Exactly-once delivery (`OUTBOX_DELIVERY=exactly-once`): each job in a Kafka transaction of its
   * partition's producer, with the partition's committed position. @defaultValue none: at-least-once
   */
  exactlyOnce?: ExactlyOnceOptions;
  /** How often BullMQ looks for jobs whose lock expired (their publisher died) to hand them over. */
  stalledIntervalMs: number;
}
