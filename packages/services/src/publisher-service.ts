import { hostname } from 'node:os';
import { connectWithRetry, createEventProducer, createKafka } from '@outbox/kafka';
import { PipelineMetrics } from '@outbox/observability';
import { createRedisClient } from '@outbox/queue';
import { buildService, type Service } from '@outbox/runtime';
import { startTracing } from '@outbox/tracing';
import { ConnectorFleet, type ConnectorRuntime } from './connector-fleet.ts';
import { ConnectorRegistry } from './connector-registry.ts';
import { ensureConnectorTopics } from './connector-topics.ts';
import { startOpsHttp } from './ops-http.ts';
import { startPublisherConnector } from './publisher-connector.ts';
import type { ServiceContext } from './service-context.ts';

/**
 * A publisher: Redis and Kafka only, never the database file, so it can run on any host. It works
 * on every connector's partitions — its own config's and those created through the REST API —
 * with one producer and one Redis connection (see ConnectorFleet).
 */
export async function createPublisherService({ config, logger }: ServiceContext): Promise<Service> {
  return buildService(async (releasers) => {
    // Released last: the spans of everything below are exported once it has stopped.
    const tracing = await startTracing(config, { service: 'outbox-publisher', logger });
    if (tracing) releasers.add('tracing', () => tracing.close());
    const tracer = tracing?.tracer;
    const kafka = createKafka(config.kafka, logger);
    // The worker's own connector's topics, before anything else: a broker that refuses this
    // publisher stops it here, before it takes any job.
    await ensureConnectorTopics(kafka, config, logger);

    const producer = await createEventProducer(config.kafka, kafka, logger, tracer);
    await connectWithRetry('producer', () => producer.connect(), { kafka: config.kafka, logger });
    releasers.add('producer', () => producer.close());

    const redis = createRedisClient(config.redis, { logger, connectionName: 'publisher' });
    releasers.add('redis', () => redis.quit());
    const metrics = new PipelineMetrics();
    const name = config.publisher.name ?? `${hostname()}-${process.pid}`;
    const registry = new ConnectorRegistry({ worker: config, kafka, logger });
    releasers.add('connector configs', () => registry.close());
    const shared = { name, logger, metrics, kafka, producer, redis, tracer };
    const fleet = new ConnectorFleet<ConnectorRuntime>({
      registry,
      start: async (definition) => startPublisherConnector(definition.config, shared),
      logger,
    });
    await fleet.start();
    releasers.add('connectors', () => fleet.close());
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
