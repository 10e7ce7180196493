import type { CaptureTimeline, PublishJobData } from '@outbox/contracts';
import { publishJobId } from '@outbox/queue';
import type { PlannedJob } from './plan-jobs.ts';

/** What every job enqueued together carries besides its rows (see PublishJobData). */
export interface JobMarks {
  epoch: string;
  timeline: CaptureTimeline;
  /** Rows passed out of order (stranded). */
  unordered?: boolean;
}

/** The BullMQ jobs (`addBulk`) of one partition's planned jobs, in order. */
export function toBulkJobs(partition: number, jobs: readonly PlannedJob[], marks: JobMarks) {
  const { epoch, timeline, unordered } = marks;
  return jobs.map((job) => {
    const data: PublishJobData = { epoch, partition, timeline, ...(unordered && { unordered }), events: job.events };
    // attempts: 1 — retries happen inside the job, in order; BullMQ's own would reorder (docs/architecture.md, "Publishing").
    return {
      name: 'publish',
      data,
      opts: { jobId: publishJobId(partition, job.events, epoch), attempts: 1, removeOnComplete: true },
    };
  });
}
