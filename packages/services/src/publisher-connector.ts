import type { Config } from '@outbox/config';
import type { EventTracer } from '@outbox/contracts';
import {
  connectWithRetry,
  type createKafka,
  type EventProducer,
  ensurePositionsTopic,
  positionsStoreOf,
  transactionalIdOf,
} from '@outbox/kafka';
import type { Logger } from '@outbox/logger';
import { createAlertNotifier, type PipelineMetrics } from '@outbox/observability';
import { followPartitionCount, PublisherWorker, recordPublisherPartitions } from '@outbox/pipeline/publisher';
import { AckStream, openPartitionQueues, pipelineNames, type RedisClient } from '@outbox/queue';
import { type Service, sleep } from '@outbox/runtime';
import type { ConnectorRuntime } from './connector-fleet.ts';
import { ensureConnectorTopics, topicMaker } from './connector-topics.ts';

/** What a publisher process shares between its connectors: one producer, one Redis connection. */
export interface PublisherShared {
  /** The publisher's name, the same for every connector it works on. */
  name: string;
  logger: Logger;
  metrics: PipelineMetrics;
  kafka: ReturnType<typeof createKafka>;
  producer: EventProducer;
  redis: RedisClient;
  tracer?: EventTracer;
}

/** How long a deleted connector's publisher goes on sending what is queued before it stops. */
const drainTimeoutMs = 60_000;

/**
 * One connector's publishing in this process: its topics made, then a PublisherWorker on the
 * partitions the capture worker runs. Starting does not wait for either (a connector created
 * through the API may have no capture worker yet), so one connector never holds up another.
 */
export function startPublisherConnector(config: Config, shared: PublisherShared): ConnectorRuntime {
  const connector = config.connector.name;
  const logger = shared.logger.child({ connector });
  const names = pipelineNames(config.redis.prefix, connector);
  const metrics = shared.metrics.connector(connector);
  const alerts = createAlertNotifier({ alerts: config.alerts, connector, logger });
  const stopped = new AbortController();
  const { name: _name, ...publisher } = config.publisher;
  let partitionCount = 0;
  // Jobs of the connector still queued or in progress, over all its partitions.
  const queued = async () => {
    const queues = await openPartitionQueues(shared.redis, names, {
      prefix: config.redis.prefix,
      partitions: partitionCount,
      applySettings: false,
      logger,
    });
    try {
      const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'prioritized', 'delayed', 'active')));
      return counts.reduce((n, c) => n + Object.values(c).reduce((a, b) => a + b, 0), 0);
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
  };
  const running: Promise<Service | undefined> = (async () => {
    await ensureConnectorTopics(shared.kafka, config, logger);
    if (stopped.signal.aborted) return undefined;
    return followPartitionCount({
      redis: shared.redis,
      names,
      configured: config.pipeline.partitions,
      logger,
      signal: stopped.signal,
      start: async (partitions) => {
        const exactlyOnce =
          config.publisher.delivery === 'exactly-once' && (await exactlyOnceOf(config, shared, partitions, logger));
        const worker = new PublisherWorker({
          name: shared.name,
          redis: shared.redis,
          names,
          prefix: config.redis.prefix,
          partitions,
          producer: shared.producer,
          ackStream: new AckStream(shared.redis, names.acks, names.ackGroup),
          topicTemplate: config.kafka.topicTemplate,
          dlqTopicTemplate: config.kafka.dlqTopicTemplate,
          // A table with an aggregate-type column: each type's topics are made when first sent to.
          ...(config.outbox.routeByField !== undefined && { ensureTopics: topicMaker(shared.kafka, config) }),
          logger,
          observers: [metrics.observer, alerts],
          tracer: shared.tracer,
          ...publisher,
          ...(exactlyOnce && { exactlyOnce }),
        });
        // Recorded before it joins, so the status never shows it owning partitions it does not run.
        await recordPublisherPartitions(shared.redis, names, shared.name, partitions);
        await worker.start();
        partitionCount = partitions;
        return worker;
      },
    });
  })().catch((error: unknown) => {
    logger.error({ err: error }, `connector ${connector}: the publisher could not start`);
    return undefined;
  });
  return {
    close: async (why) => {
      // A deleted connector's queued jobs are sent first (the capture worker enqueues no more).
      const deadline = Date.now() + drainTimeoutMs;
      while (why === 'removed' && Date.now() < deadline && (await queued().catch(() => 0)) > 0) await sleep(200);
      stopped.abort();
      const worker = await running;
      await worker?.close();
      await alerts.close();
      await metrics.remove();
    },
  };
}

/** Exactly-once delivery's settings for a connector, once its positions topic has a partition for each of its own. */
async function exactlyOnceOf(config: Config, shared: PublisherShared, partitions: number, logger: Logger) {
  const connector = config.connector.name;
  const positions = positionsStoreOf(config.redis.prefix, connector);
  const admin = shared.kafka.admin();
  // Waited for like the connector's topics: a broker down while the publisher starts must not
  // leave it started without delivering.
  await connectWithRetry(
    'positions topic',
    async () => {
      await admin.connect();
      try {
        await ensurePositionsTopic(admin, positions, partitions, config.kafka.topicReplicationFactor);
      } finally {
        await admin.disconnect();
      }
    },
    { kafka: config.kafka, logger },
  );
  return {
    kafka: shared.kafka,
    positions,
    transactionalIdOf: (partition: number) => transactionalIdOf(config.redis.prefix, connector, partition),
    compression: config.kafka.compression,
    maxBatchBytes: config.kafka.maxBatchBytes,
  };
}
