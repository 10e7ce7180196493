import { createEventProducer, createKafka, type EventProducer, readTopicsToEnd, topicOffsets } from '@outbox/kafka';
import { createAlertNotifier, PipelineMetrics } from '@outbox/observability';
import {
  acquireCaptureLock,
  createDeadLetterStore,
  createOutboxStore,
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
  partitionOf,
  pipelineNames,
} from '@outbox/queue';
import { registerConnectorApi, registerStatusPage } from '@outbox/rest-api';
import { buildService, type Service, serial } from '@outbox/runtime';
import { startTracing } from '@outbox/tracing';
import { connectorGauges } from './connector-gauges.ts';
import { connectorTopics } from './connector-topics.ts';
import { startOpsHttp } from './ops-http.ts';
import { type ServiceContext, version } from './service-context.ts';

/** Kafka Connect's REST port; the capture worker serves the connector's REST API. */
const capturePort = 8083;

export interface CaptureServiceOptions {
  /**
   * Create the database when it is missing. Only the demo does: a capture worker started on a
   * mistyped OUTBOX_SQLITE_PATH must say so, not tail a new, empty outbox forever.
   * @defaultValue false
   */
  createDatabase?: boolean;
}

/**
 * The capture worker; `httpUrl` is where its REST API, status page and metrics answer. Everything
 * it needs comes from config; what it acquires is released in reverse.
 */
export async function createCaptureService(
  { config, logger }: ServiceContext,
  options: CaptureServiceOptions = {},
): Promise<Service & { httpUrl: string }> {
  return buildService(async (releasers) => {
    // Released last: the spans of everything below are exported once it has stopped.
    const tracing = await startTracing(config, { service: 'outbox-capture', logger });
    if (tracing) releasers.add('tracing', () => tracing.close());
    // Opened before the lock, which would create the file beside which it sits.
    const db = openDatabase(config.sqlite.path, { ...config.sqlite, mustExist: !options.createDatabase });
    releasers.add('database', () => db.close());
    const lock = acquireCaptureLock(config.sqlite.path);
    releasers.add('capture lock', () => lock.release());
    migrateOutbox(db, config.outbox.shape);
    const store = createOutboxStore(db, config.outbox.shape);

    const names = pipelineNames(config.redis.prefix, config.connector.name);
    const redis = createRedisClient(config.redis, { logger, connectionName: 'capture' });
    releasers.add('redis', () => redis.quit());
    const ackRedis = createRedisClient(config.redis, { logger, connectionName: 'capture-acks' });
    releasers.add('redis (acks)', () => ackRedis.quit());
    const queues = await openPartitionQueues(redis, names, {
      prefix: config.redis.prefix,
      partitions: config.pipeline.partitions,
      applySettings: false,
      logger,
    });
    releasers.add('queues', () => Promise.all(queues.map((q) => q.close())));

    const metrics = new PipelineMetrics(config.connector.name);
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
      partitionOf: (aggregateId) => partitionOf(aggregateId, config.pipeline.partitions),
      logger,
      // A pause is kept in SQLite, so it is re-applied when Redis has lost its data.
      applyQueueSettings: () => applyQueueSettings(queues, { paused: store.connectorState() === 'PAUSED' }),
      observers: [metrics.observer, alerts],
      tracer: tracing?.tracer,
      reportStatus: (status) => captureStatus.write(status),
      ...config.capture,
    });
    await worker.start();
    releasers.add('capture worker', () => worker.close());

    // Operators' pause, resume, rewind and head actions run one at a time: a pause or resume never
    // lands while cursors move.
    const operatorTurn = serial();
    const admin = new ConnectorAdmin({ name: config.connector.name, redis, names, queues, store, operatorTurn, logger });
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
    const kafka = createKafka(config.kafka, logger);
    let replayProducer: EventProducer | undefined;
    releasers.add('producer (replays)', async () => replayProducer?.close());
    const deadLetters = new DeadLetterAdmin({
      dlqTopics: () => connectorTopics(kafka, config, 'dlq'),
      readTopic: (topic) => readTopicsToEnd(kafka, [topic], { groupPrefix: 'outbox-dlq', timeoutMs: 60_000 }),
      topicOffsets: (topic) => topicOffsets(kafka, topic),
      send: async (topic, message) => {
        replayProducer ??= await createEventProducer(config.kafka, kafka, logger, tracing?.tracer);
        await replayProducer.send(topic, [message]);
      },
      store: createDeadLetterStore(db, config.outbox.table),
      logger,
    });
    metrics.readGaugesFrom(connectorGauges({ store, worker, redis, names, queues }));
    const httpUrl = await startOpsHttp({
      config,
      logger,
      metrics,
      releasers,
      defaultPort: capturePort,
      readiness: {
        redis: () => redis.ping(),
        sqlite: async () => db.prepare('SELECT 1').get(),
      },
      addRoutes: (app) => {
        registerConnectorApi(app, { admin, deadLetters, partitions, token: config.http.token, version });
        registerStatusPage(app, { admin, queues });
      },
    });
    return { httpUrl };
  });
}
