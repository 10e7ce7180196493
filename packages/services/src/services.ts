import { hostname } from 'node:os';
import type { Config } from '@outbox/config';
import { connectWithRetry, createKafka, EventProducer, ensureTopics, topicFor } from '@outbox/kafka';
import type { Logger } from '@outbox/logger';
import { acquireCaptureLock, createOutboxStore, migrateOutbox, openDatabase } from '@outbox/outbox-store';
import { CaptureWorker, PublisherWorker } from '@outbox/pipeline';
import {
  AckStream,
  applyQueueSettings,
  CursorStore,
  createRedisClient,
  openPartitionQueues,
  partitionOf,
  pipelineNames,
} from '@outbox/queue';
import { buildService, type Service } from '@outbox/runtime';

interface ServiceContext {
  config: Config;
  logger: Logger;
}

/** Everything the capture worker needs, from config; what it acquires is released in reverse. */
export async function createCaptureService({ config, logger }: ServiceContext): Promise<Service> {
  return buildService(async (releasers) => {
    const lock = acquireCaptureLock(config.sqlite.path);
    releasers.add('capture lock', () => lock.release());
    const db = openDatabase(config.sqlite.path, config.sqlite);
    releasers.add('database', () => db.close());
    migrateOutbox(db, config.outbox.table);
    const store = createOutboxStore(db, config.outbox.table);

    const names = pipelineNames(config.redis.prefix, config.connector.name);
    const redis = createRedisClient(config.redis.url, { logger, connectionName: 'capture' });
    releasers.add('redis', () => redis.quit());
    const ackRedis = createRedisClient(config.redis.url, { logger, connectionName: 'capture-acks' });
    releasers.add('redis (acks)', () => ackRedis.quit());
    const queues = await openPartitionQueues(redis, names, {
      prefix: config.redis.prefix,
      partitions: config.pipeline.partitions,
      applySettings: false,
    });
    releasers.add('queues', () => Promise.all(queues.map((q) => q.close())));

    const worker = new CaptureWorker({
      store,
      dbPath: config.sqlite.path,
      queues,
      cursorStore: new CursorStore(redis, names, store.instanceId()),
      ackStream: new AckStream(ackRedis, names.acks, names.ackGroup),
      partitionOf: (aggregateId) => partitionOf(aggregateId, config.pipeline.partitions),
      aggregateType: config.outbox.aggregateType,
      logger,
      applyQueueSettings: () => applyQueueSettings(queues),
      reportStatus: async (status) => {
        await redis.hset(names.captureStatus, { ...status, inFlight: JSON.stringify(status.inFlight) });
      },
      ...config.capture,
    });
    await worker.start();
    releasers.add('capture worker', () => worker.close());
    return {};
  });
}

/** A publisher: Redis and Kafka only, never the database file, so it can run on any host. */
export async function createPublisherService({ config, logger }: ServiceContext): Promise<Service> {
  return buildService(async (releasers) => {
    const kafka = createKafka(config.kafka, logger);
    const admin = kafka.admin();
    await connectWithRetry('admin', () => admin.connect(), { brokers: config.kafka.brokers, logger });
    try {
      const topics = [config.kafka.topicTemplate, config.kafka.dlqTopicTemplate].map((t) =>
        topicFor(t, config.outbox.aggregateType),
      );
      const created = await ensureTopics(admin, topics, {
        create: config.kafka.createTopics,
        partitions: config.kafka.topicPartitions,
        replicationFactor: config.kafka.topicReplicationFactor,
      });
      if (created.length > 0) logger.info({ topics: created }, 'created Kafka topics');
    } finally {
      await admin.disconnect();
    }

    const producer = new EventProducer({
      kafka,
      logger: logger.child({ component: 'producer' }),
      compression: config.kafka.compression,
      maxBatchBytes: config.kafka.maxBatchBytes,
    });
    await connectWithRetry('producer', () => producer.connect(), { brokers: config.kafka.brokers, logger });
    releasers.add('producer', () => producer.close());

    const names = pipelineNames(config.redis.prefix, config.connector.name);
    const redis = createRedisClient(config.redis.url, { logger, connectionName: 'publisher' });
    releasers.add('redis', () => redis.quit());
    const { name, ...publisher } = config.publisher;
    const worker = new PublisherWorker({
      name: name ?? `${hostname()}-${process.pid}`,
      redis,
      names,
      prefix: config.redis.prefix,
      partitions: config.pipeline.partitions,
      producer,
      ackStream: new AckStream(redis, names.acks, names.ackGroup),
      topicTemplate: config.kafka.topicTemplate,
      dlqTopicTemplate: config.kafka.dlqTopicTemplate,
      logger,
      ...publisher,
    });
    await worker.start();
    releasers.add('publisher worker', () => worker.close());
    return {};
  });
}
