import type { PublishJobData } from '@outbox/contracts';
import type { Logger } from '@outbox/logger';
import { Queue } from 'bullmq';
import type { PipelineNames } from './names.ts';
import type { RedisClient } from './redis-client.ts';

export type PartitionQueues = Queue<PublishJobData>[];

/**
 * One BullMQ queue per partition. Global concurrency 1 means one job at a time per partition
 * across every publisher process, which is what keeps each aggregate's events in order.
 * The setting lives in Redis, so it is (re)applied on every start: a flushed Redis forgets it.
 */
export async function openPartitionQueues(
  redis: RedisClient,
  names: PipelineNames,
  options: {
    prefix: string;
    partitions: number;
    /** Re-apply the queues' settings; off for read-only users such as `outbox status`. @defaultValue true */
    applySettings?: boolean;
    /**
     * Where the queues' 'error' events go; without a listener BullMQ prints them to stderr. They
     * come from the shared connection, whose own listener already logs them.
     */
    logger: Logger;
  },
): Promise<PartitionQueues> {
  const log = options.logger.child({ component: 'queues' });
  const queues = Array.from({ length: options.partitions }, (_, p) => {
    const queue = new Queue<PublishJobData>(names.queue(p), { connection: redis, prefix: options.prefix });
    queue.on('error', (error) => log.debug({ err: error, partition: p }, 'queue error'));
    return queue;
  });
  if (options.applySettings ?? true) await applyQueueSettings(queues);
  return queues;
}

/**
 * Global concurrency 1 on every partition queue (one job at a time per partition, fleet-wide),
 * and BullMQ's paused flag when the connector is paused.
 */
export async function applyQueueSettings(queues: PartitionQueues, options: { paused?: boolean } = {}): Promise<void> {
  await Promise.all(
    queues.map(async (queue) => {
      await queue.setGlobalConcurrency(1);
      if (options.paused) await queue.pause();
    }),
  );
}

/**
 * The events the partition's jobs of this epoch still carry (outbox id → event id): what is really
 * in flight. Jobs of another epoch are dropped by the publishers, so their rows are not. Read once,
 * when the capture worker starts; a job of the current epoch is never waiting anywhere else.
 */
export async function queuedEvents(queue: PartitionQueues[number], epoch: string): Promise<Map<number, string>> {
  const jobs = await queue.getJobs(['active', 'waiting', 'prioritized', 'delayed', 'waiting-children']);
  const events = new Map<number, string>();
  for (const job of jobs) {
    if (job?.data?.epoch !== epoch) continue;
    for (const event of job.data.events) events.set(event.id, event.eventId);
  }
  return events;
}

/**
 * The worker holding a queue's active job, if any. Only its `processedBy` field (BullMQ's `pb`) is
 * read: loading the job would fetch its events too — up to 512 KiB per partition, every second the
 * status page polls.
 */
export async function activeJobOwner(redis: RedisClient, queue: Queue<PublishJobData>): Promise<string | null> {
  const [jobId] = await redis.lrange(queue.keys.active as string, 0, 0);
  return jobId ? redis.hget(queue.toKey(jobId), 'pb') : null;
}
