import type { PublishJobData } from '@outbox/contracts';
import { publishJobId } from '@outbox/queue';
import type { PlannedJob } from './plan-jobs.ts';

/** The BullMQ jobs (`addBulk`) of one partition's planned jobs, in order. */
export function toBulkJobs(partition: number, jobs: readonly PlannedJob[], epoch: string) {
  return jobs.map((job) => {
    const data: PublishJobData = { epoch, partition, events: job.events };
    // attempts: 1 — retries happen inside the job, in order; BullMQ's own would reorder (docs/architecture.md, "Publishing").
    return {
      name: 'publish',
      data,
      opts: { jobId: publishJobId(partition, job.events, epoch), attempts: 1, removeOnComplete: true },
    };
  });
}
