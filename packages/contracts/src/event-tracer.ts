import type { OutboxEvent } from './outbox-event.ts';

/** One step of an event's trace, started: its span's context, and how to end it. */
export interface TraceStep {
  /** The step's span context as a W3C `traceparent`: what the next step continues. */
  readonly traceparent: string;
  /** Ends the step now, as failed when `error` is given; `attributes` are recorded first. */
  end(error?: unknown, attributes?: Readonly<Record<string, string | number>>): void;
}

/** A job of a partition's queue, as its trace steps name it. */
export interface TracedJob {
  queue: string;
  jobId: string;
  partition: number;
  /** How many of the job's events the step covers. */
  events: number;
}

/**
 * Traces each event from the writer's request to its Kafka send (docs/architecture.md, "Traces"):
 * every step is a span that continues `parent`, the W3C `traceparent` of the step before it, or
 * starts a trace when there is none. Components get one only when tracing is configured, and do
 * nothing for traces otherwise.
 */
export interface EventTracer {
  /** The writer: an HTTP request (`route` as declared, e.g. `/users/:id`). */
  request(parent: string | undefined, request: { method: string; route: string }): TraceStep;
  /** The capture worker: rows of one trace going into their partition's queue in one job. */
  capture(parent: string | null, job: TracedJob): TraceStep;
  /** A publisher: a job's events of one trace, from taking the job to acknowledging them. */
  job(parent: string | null, job: TracedJob): TraceStep;
  /** A publisher: one request sending a message to its Kafka topic. */
  send(parent: string | null, message: { topic: string; key: string | null; eventId: string | null }): TraceStep;
}

/** An event as a job carries it (`PublishJobData.events`): the row, and where its capture was traced. */
export type JobEvent = OutboxEvent & {
  /**
   * The `traceparent` of the span that captured the event, set when the capture worker traces:
   * the publisher's spans continue it. Never sent to Kafka; jobs without it continue the row's own.
   */
  captureTraceparent?: string;
};
