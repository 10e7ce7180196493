import type { EventTracer, JobEvent, PublishJobData, TraceStep } from '@outbox/contracts';

interface BulkJob {
  data: PublishJobData;
  opts: { jobId: string };
}

/**
 * Traces the capture of jobs about to be added to a partition's queue (docs/architecture.md,
 * "Traces"): in each job, one step per trace its rows continue (the rows a request wrote together
 * share one; rows without a traceparent share a new trace), and each row carries its step's
 * context to the publisher as `captureTraceparent`. Returns the jobs to add instead — copies: the
 * rows themselves are left as they were read — and `end`, to call once the queue has answered.
 */
export function traceCapture<J extends BulkJob>(
  tracer: EventTracer,
  queue: string,
  jobs: readonly J[],
): { jobs: J[]; end(error?: unknown): void } {
  const steps: TraceStep[] = [];
  const traced = jobs.map((job) => {
    const { events, partition } = job.data;
    const byParent = Map.groupBy(events, (event) => event.traceparent);
    const stepOf = new Map<string | null, TraceStep>();
    for (const [parent, rows] of byParent) {
      const step = tracer.capture(parent, { queue, jobId: job.opts.jobId, partition, events: rows.length });
      stepOf.set(parent, step);
      steps.push(step);
    }
    const withContext = events.map(
      (event): JobEvent => ({ ...event, captureTraceparent: stepOf.get(event.traceparent)?.traceparent }),
    );
    return { ...job, data: { ...job.data, events: withContext } };
  });
  return {
    jobs: traced,
    end: (error) => {
      for (const step of steps) step.end(error);
    },
  };
}
