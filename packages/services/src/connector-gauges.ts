import type { ConnectorGauges } from '@outbox/observability';
import type { OutboxStore } from '@outbox/outbox-store';
import { type CaptureWorker, livePublishers } from '@outbox/pipeline';
import { HaltedStore, type PartitionQueues, type PipelineNames, type RedisClient } from '@outbox/queue';
import { withTimeout } from '@outbox/runtime';

/**
 * Redis commands wait for a lost connection rather than fail (BullMQ needs that), so its part of
 * a scrape gets a deadline: while Redis is down, /metrics still answers with what SQLite knows and
 * `outbox_redis_up 0`, instead of hanging until Prometheus gives up on the whole target.
 */
const redisDeadlineMs = 1500;

/** The capture worker's view of the connector for Prometheus: SQLite always, Redis when it answers. */
export function connectorGauges(parts: {
  store: OutboxStore;
  worker: CaptureWorker;
  redis: RedisClient;
  names: PipelineNames;
  queues: PartitionQueues;
}): () => Promise<ConnectorGauges> {
  const { store, worker, redis, names, queues } = parts;
  const fromRedis = async (): Promise<ConnectorGauges['redis']> => {
    const [halted, live, counts] = await Promise.all([
      new HaltedStore(redis, names).count(),
      livePublishers(redis, names),
      Promise.all(queues.map((q) => q.getJobCounts('waiting', 'prioritized', 'delayed', 'active'))),
    ]);
    const jobs: Record<string, number> = {};
    for (const c of counts) for (const [state, n] of Object.entries(c)) jobs[state] = (jobs[state] ?? 0) + n;
    return { haltedPartitions: halted, livePublishers: live.length, jobs };
  };
  return async () => {
    const stats = store.stats();
    const inFlight = worker.counts.inFlight;
    return {
      pending: stats.depth,
      oldestOccurredAt: stats.oldestOccurredAt,
      notEnqueued: Math.max(0, stats.depth - inFlight),
      inFlight,
      paused: store.connectorState() === 'PAUSED',
      redis: await withTimeout(fromRedis, redisDeadlineMs).catch(() => undefined),
    };
  };
}
