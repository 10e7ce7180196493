import { hostname } from 'node:os';
import { connectWithRetry, createEventProducer, createKafka } from '@outbox/kafka';
import { createAlertNotifier, PipelineMetrics } from '@outbox/observability';
import { followPartitionCount, PublisherWorker, recordPublisherPartitions } from '@outbox/pipeline/publisher';
import { AckStream, createRedisClient, pipelineNames } from '@outbox/queue';
import { buildService, type Service } from '@outbox/runtime';
import { startTracing } from '@outbox/tracing';
import { ensureConnectorTopics, topicMaker } from './connector-topics.ts';
import { startOpsHttp } from './ops-http.ts';
import type { ServiceContext } from './service-context.ts';

/** A publisher: Redis and Kafka only, never the database file, so it can run on any host. */
export async function createPublisherService({ config, logger }: ServiceContext): Promise<Service> {
  return buildService(async (releasers) => {
    // Released last: the spans of everything below are exported once it has stopped.
    const tracing = await startTracing(config, { service: 'outbox-publisher', logger });
    if (tracing) releasers.add('tracing', () => tracing.close());
    const tracer = tracing?.tracer;
    const kafka = createKafka(config.kafka, logger);
    await ensureConnectorTopics(kafka, config, logger);

    const producer = await createEventProducer(config.kafka, kafka, logger, tracer);
    await connectWithRetry('producer', () => producer.connect(), { kafka: config.kafka, logger });
    releasers.add('producer', () => producer.close());

    const names = pipelineNames(config.redis.prefix, config.connector.name);
    const redis = createRedisClient(config.redis, { logger, connectionName: 'publisher' });
    releasers.add('redis', () => redis.quit());
    const metrics = new PipelineMetrics(config.connector.name);
    const alerts = createAlertNotifier({ alerts: config.alerts, connector: config.connector.name, logger });
    // Added before the worker, so it closes after it: alerts raised while the worker stops still go out.
    releasers.add('alerts', () => alerts.close());
    const { name: configuredName, ...publisher } = config.publisher;
    const name = configuredName ?? `${hostname()}-${process.pid}`;
    const worker = await followPartitionCount({
      redis,
      names,
      configured: config.pipeline.partitions,
      logger,
      start: async (partitions) => {
        const worker = new PublisherWorker({
          name,
          redis,
          names,
          prefix: config.redis.prefix,
          partitions,
          producer,
          ackStream: new AckStream(redis, names.acks, names.ackGroup),
          topicTemplate: config.kafka.topicTemplate,
          dlqTopicTemplate: config.kafka.dlqTopicTemplate,
          // A table with an aggregate-type column: each type's topics are made when first sent to.
          ...(config.outbox.routeByField !== undefined && { ensureTopics: topicMaker(kafka, config) }),
          logger,
          observers: [metrics.observer, alerts],
          tracer,
          ...publisher,
        });
        // Recorded before it joins, so the status never shows it owning partitions it does not run.
        await recordPublisherPartitions(redis, names, name, partitions);
        await worker.start();
        return worker;
      },
    });
    releasers.add('publisher worker', () => worker.close());
    await startOpsHttp({
      config,
      logger,
      metrics,
      releasers,
      // Several publishers may share a host: the OS picks a free port unless one is configured.
      defaultPort: 0,
      readiness: {
        redis: () => redis.ping(),
      },
    });
    return {};
  });
}
