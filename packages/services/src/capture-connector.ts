import { type Config, defaultPartitions } from '@outbox/config';
import type { EventTracer } from '@outbox/contracts';
import { ConfigError } from '@outbox/errors';
import {
  createEventProducer,
  type createKafka,
  type EventProducer,
  positionsStoreOf,
  readCommittedPositions,
  readTopicsToEnd,
  topicOffsets,
} from '@outbox/kafka';
import type { Logger } from '@outbox/logger';
import { createAlertNotifier, type PipelineMetrics } from '@outbox/observability';
import {
  acquireCaptureLock,
  type CaptureLock,
  createDeadLetterStore,
  createOutboxStore,
  type Database,
  migrateOutbox,
  openDatabase,
  startOffThreadDeleter,
} from '@outbox/outbox-store';
import { CaptureWorker, ConnectorAdmin, DeadLetterAdmin, PartitionAdmin } from '@outbox/pipeline';
import {
  AckStream,
  applyQueueSettings,
  CaptureStatusStore,
  CursorStore,
  createRedisClient,
  openPartitionQueues,
  type PartitionQueues,
  type PipelineNames,
  partitionOf,
  pipelineNames,
  type RedisClient,
} from '@outbox/queue';
import { buildService, type Releasers, serial } from '@outbox/runtime';
import type { ConnectorRuntime } from './connector-fleet.ts';
import { connectorGauges } from './connector-gauges.ts';
import { connectorTopics } from './connector-topics.ts';

/** What the REST API and the status page reach of a connector the capture worker runs. */
export interface CaptureConnector extends ConnectorRuntime {
  admin: ConnectorAdmin;
  partitions: PartitionAdmin;
  deadLetters: DeadLetterAdmin;
  queues: PartitionQueues;
  /** Readiness: Redis answers, and the database does. */
  redisAnswers(): Promise<unknown>;
  databaseAnswers(): Promise<unknown>;
}

/** What a capture process shares between its connectors. */
export interface CaptureShared {
  logger: Logger;
  metrics: PipelineMetrics;
  kafka: ReturnType<typeof createKafka>;
  tracer?: EventTracer;
  /** Create the database when it is missing (the demo only). */
  createDatabase: boolean;
}

/** How long a deleted connector waits for its events in flight to be acknowledged before it stops. */
const drainTimeoutMs = 60_000;

/**
 * One connector's capture: its database and table, Redis queues, capture worker and operators'
 * tools. Everything it acquires is released in reverse when it closes. Connectors on the same
 * database share its capture lock (see {@link databaseLocks}).
 */
export async function startCaptureConnector(config: Config, shared: CaptureShared): Promise<CaptureConnector> {
  const logger = shared.logger.child({ connector: config.connector.name });
  return buildService(async (releasers) => {
    // Opened before the lock, which would create the file beside which it sits.
    const db: Database = openDatabase(config.sqlite.path, { ...config.sqlite, mustExist: !shared.createDatabase });
    releasers.add('database', () => db.close());
    const lock = databaseLocks.acquire(config.sqlite.path);
    releasers.add('capture lock', () => lock.release());
    migrateOutbox(db, config.outbox.shape);
    const store = createOutboxStore(db, config.outbox.shape);
    if (config.publisher.delivery === 'exactly-once' && store.reusesIds) {
      throw new ConfigError([
        `publisher.delivery: exactly-once needs an outbox table whose ids are never re-used, and ${config.outbox.table} has no AUTOINCREMENT ` +
          '(a committed position could not tell a new event from a delivered one with the same id): declare its id INTEGER PRIMARY KEY AUTOINCREMENT, or use at-least-once',
      ]);
    }

    const names = pipelineNames(config.redis.prefix, config.connector.name);
    const redis = createRedisClient(config.redis, { logger, connectionName: 'capture' });
    releasers.add('redis', () => redis.quit());
    const ackRedis = createRedisClient(config.redis, { logger, connectionName: 'capture-acks' });
    releasers.add('redis (acks)', () => ackRedis.quit());
    const partitionCount = await choosePartitionCount(config.pipeline.partitions, redis, names, logger);
    const queues = await openPartitionQueues(redis, names, {
      prefix: config.redis.prefix,
      partitions: partitionCount,
      applySettings: false,
      logger,
    });
    releasers.add('queues', () => Promise.all(queues.map((q) => q.close())));

    const metrics = shared.metrics.connector(config.connector.name);
    releasers.add('metrics', () => metrics.remove());
    const alerts = createAlertNotifier({ alerts: config.alerts, connector: config.connector.name, logger });
    // Added before the worker, so it closes after it: alerts raised while the worker stops still go out.
    releasers.add('alerts', () => alerts.close());
    const captureStatus = new CaptureStatusStore(redis, names);
    const deleter = startOffThreadDeleter({ path: config.sqlite.path, table: config.outbox.shape, options: config.sqlite });
    // Added before the worker, so it closes after it: the worker's last deletes still go through.
    releasers.add('ack deleter', () => deleter.close());
    const worker = new CaptureWorker({
      store,
      deleteAcknowledged: deleter.deleteAcknowledged,
      dbPath: config.sqlite.path,
      queues,
      cursorStore: new CursorStore(
        redis,
        names,
        store.instanceId(),
        queues.map((queue) => queue.toKey('id')),
      ),
      ackStream: new AckStream(ackRedis, names.acks, names.ackGroup),
      partitionOf: (aggregateId) => partitionOf(aggregateId, partitionCount),
      logger,
      // A pause is kept in SQLite, so it is re-applied when Redis has lost its data.
      applyQueueSettings: () => applyQueueSettings(queues, { paused: store.connectorState() === 'PAUSED' }),
      observers: [metrics.observer, alerts],
      tracer: shared.tracer,
      reportStatus: (status) => captureStatus.write(status),
      ...config.capture,
    });
    await worker.start();
    releasers.add('capture worker', () => worker.close());

    // Operators' pause, resume, rewind and head actions run one at a time: a pause or resume never
    // lands while cursors move.
    const operatorTurn = serial();
    const admin = new ConnectorAdmin({
      name: config.connector.name,
      redis,
      names,
      queues,
      store,
      operatorTurn,
      logger,
      delivery: deliveryOf(config, shared.kafka, releasers),
    });
    const partitions = new PartitionAdmin({
      operatorTurn,
      capture: worker,
      redis,
      names,
      queues,
      store,
      restart: (p) => admin.restart(p),
      logger,
    });
    // Kafka only for operators' dead-letter requests: the producer connects on the first replay.
    const { kafka } = shared;
    let replayProducer: EventProducer | undefined;
    releasers.add('producer (replays)', async () => replayProducer?.close());
    const deadLetters = new DeadLetterAdmin({
      dlqTopics: () => connectorTopics(kafka, config, 'dlq'),
      readTopic: (topic) => readTopicsToEnd(kafka, [topic], { groupPrefix: 'outbox-dlq', timeoutMs: 60_000 }),
      topicOffsets: (topic) => topicOffsets(kafka, topic),
      send: async (topic, message) => {
        replayProducer ??= await createEventProducer(config.kafka, kafka, logger, shared.tracer);
        await replayProducer.send(topic, [message]);
      },
      store: createDeadLetterStore(db, config.outbox.table),
      logger,
    });
    metrics.readGaugesFrom(connectorGauges({ store, worker, redis, names, queues }));
    return {
      admin,
      partitions,
      deadLetters,
      queues,
      redisAnswers: () => redis.ping(),
      databaseAnswers: async () => db.prepare('SELECT 1').get(),
      // A deleted connector enqueues nothing more and stops once what it enqueued is acknowledged.
      drain: () => worker.drain(drainTimeoutMs),
    };
  }).then(({ drain, close, ...connector }) => ({
    ...connector,
    close: async (why: 'removed' | 'changed' | 'shutdown') => {
      if (why === 'removed') await drain();
      await close();
    },
  }));
}

/**
 * OUTBOX_PARTITIONS when set; unset, the count the connector already runs (saved in Redis with its
 * cursors), or the default for a new one. A connector started before the default changed keeps its
 * count — changing it with events in the outbox is refused, as it would break their order — and
 * moves to another only when a user sets one.
 */
async function choosePartitionCount(
  configured: number | undefined,
  redis: RedisClient,
  names: PipelineNames,
  logger: Logger,
): Promise<number> {
  if (configured !== undefined) return configured;
  const running = await CursorStore.readPartitionCount(redis, names);
  if (running === null || running === defaultPartitions) return defaultPartitions;
  logger.info(
    { partitions: running },
    `OUTBOX_PARTITIONS is not set: keeping the ${running} partitions this connector runs (a new connector gets ${defaultPartitions})`,
  );
  return running;
}

/**
 * The capture lock of each database this process captures, shared by its connectors: the lock
 * keeps other processes out, and several tables of one database are one process's to capture.
 */
const databaseLocks = (() => {
  const held = new Map<string, { lock: CaptureLock; users: number }>();
  return {
    acquire(path: string): CaptureLock {
      let entry = held.get(path);
      if (!entry) {
        entry = { lock: acquireCaptureLock(path), users: 0 };
        held.set(path, entry);
      }
      entry.users += 1;
      const shared = entry;
      return {
        release: () => {
          shared.users -= 1;
          if (shared.users > 0) return;
          held.delete(path);
          shared.lock.release();
        },
      };
    },
  };
})();

/**
 * The delivery mode for the status; with exactly-once, the partitions' committed positions are read
 * on one admin connection, made on the first status read and kept.
 */
function deliveryOf(config: Config, kafka: ReturnType<typeof createKafka>, releasers: Releasers) {
  if (config.publisher.delivery !== 'exactly-once') return { mode: 'at-least-once' } as const;
  const store = positionsStoreOf(config.redis.prefix, config.connector.name);
  let connected: Promise<ReturnType<typeof kafka.admin>> | undefined;
  releasers.add('admin (committed positions)', async () => (await connected?.catch(() => undefined))?.disconnect());
  const admin = () => {
    connected ??= (async () => {
      const client = kafka.admin();
      await client.connect();
      return client;
    })().catch((error: unknown) => {
      connected = undefined;
      throw error;
    });
    return connected;
  };
  return { mode: 'exactly-once', readPositions: async () => readCommittedPositions(await admin(), store) } as const;
}
