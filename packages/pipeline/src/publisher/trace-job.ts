import type { EventTracer, JobEvent, OutboxEvent, PublishJobData, TraceStep } from '@outbox/contracts';

/** A publisher's work on one job, traced: see {@link traceJob}. */
export interface JobTrace {
  /**
   * The events with their step's context as `traceparent`: the header their Kafka messages are
   * built with, which each send continues and then replaces with its own (tracedProducerClients).
   */
  withContext<E extends OutboxEvent>(events: readonly E[]): E[];
  /** Ends every step of the job: once its events are acknowledged, or as failed when it stopped. */
  end(error?: unknown): void;
}

/** What an event's publish step continues: its capture's span, or the row's own context if it was captured untraced. */
const parentOf = (event: JobEvent) => event.captureTraceparent ?? event.traceparent;

/**
 * Traces a publisher's work on a job (docs/architecture.md, "Traces"): one step per trace its events
 * continue — a job of N events from N requests has N steps, each in its event's own trace, so every
 * trace runs writer → capture → publish → send; events without any context share one new trace.
 */
export function traceJob(
  tracer: EventTracer,
  job: { queueName: string; id?: string | undefined; data: PublishJobData },
): JobTrace {
  const { events, partition } = job.data;
  const steps = new Map<string | null, TraceStep>();
  for (const [parent, group] of Map.groupBy(events, parentOf)) {
    steps.set(parent, tracer.job(parent, { queue: job.queueName, jobId: job.id ?? '', partition, events: group.length }));
  }
  return {
    withContext: (list) =>
      list.map((event) => ({ ...event, traceparent: steps.get(parentOf(event))?.traceparent ?? event.traceparent })),
    end: (error) => {
      for (const step of steps.values()) step.end(error);
    },
  };
}
