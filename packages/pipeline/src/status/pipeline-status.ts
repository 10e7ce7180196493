import type { PipelineNames, PublishJobData, RedisClient } from '@outbox/queue';
import type { Queue } from 'bullmq';

export interface PartitionStatus {
  partition: number;
  /** Jobs waiting (including rate-limited and delayed ones). */
  waiting: number;
  active: number;
  /** The publisher working on the partition's job right now, if any. */
  owner: string | null;
  /** Events enqueued and not yet acknowledged, as the capture worker last reported. */
  inFlight: number | null;
  halted: { reason: string; publisher: string; since: string } | null;
}

export interface PublisherStatus {
  name: string;
  jobs: number;
  events: number;
  lastSeen: string;
}

export interface PipelineStatus {
  capture: { depth: number; oldestOccurredAt: string | null; updatedAt: string } | null;
  partitions: PartitionStatus[];
  publishers: PublisherStatus[];
}

/** The fleet as Redis sees it: per partition its queue, owner and backlog; per publisher its work. */
export async function readPipelineStatus(
  redis: RedisClient,
  names: PipelineNames,
  queues: Queue<PublishJobData>[],
): Promise<PipelineStatus> {
  const [capture, halted, publisherNames] = await Promise.all([
    redis.hgetall(names.captureStatus),
    redis.hgetall(names.halted),
    redis.smembers(names.publishers),
  ]);
  const inFlight = capture.inFlight ? (JSON.parse(capture.inFlight) as number[]) : [];
  const partitions = await Promise.all(
    queues.map(async (queue, partition): Promise<PartitionStatus> => {
      const [counts, active] = await Promise.all([
        queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active'),
        queue.getActive(0, 0),
      ]);
      const haltedState = halted[String(partition)];
      return {
        partition,
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
        active: counts.active ?? 0,
        owner: active[0]?.processedBy ?? null,
        inFlight: inFlight[partition] ?? null,
        halted: haltedState ? (JSON.parse(haltedState) as PartitionStatus['halted']) : null,
      };
    }),
  );
  const publishers = (
    await Promise.all(
      publisherNames.sort().map(async (name) => {
        const stats = await redis.hgetall(names.publisher(name));
        if (!stats.lastSeen) return undefined;
        return {
          name,
          jobs: Number(stats.jobs ?? 0),
          events: Number(stats.events ?? 0),
          lastSeen: new Date(Number(stats.lastSeen)).toISOString(),
        };
      }),
    )
  ).filter((p) => p !== undefined);
  return {
    capture: capture.updatedAt
      ? { depth: Number(capture.depth), oldestOccurredAt: capture.oldestOccurredAt || null, updatedAt: capture.updatedAt }
      : null,
    partitions,
    publishers,
  };
}
