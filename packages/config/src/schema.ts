import { z } from 'zod';
import { checkKafkaSecurity, checkRedisSecurity, kafkaSecurity, redisSecurity } from './security-schema.ts';
import { tracingSchema } from './tracing-schema.ts';

/** SQL identifiers from config are spliced into SQL, so only plain names are accepted. */
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'a plain SQL identifier (letters, digits, _)');

/** Queue and connector names end up in Redis keys and BullMQ job ids, where `:` is a separator. */
const name = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lowercase letters, digits and -');

/**
 * Node clamps a timer above 2^31 - 1 ms to 1 ms, so a larger duration would turn a sleep into a
 * busy loop (a poll interval of 99999999999 logged thousands of warnings a second).
 */
const maxTimerMs = 2 ** 31 - 1;

const number = z.number({ error: 'expected a whole number' }).int('expected a whole number');

/**
 * Decimal digits only: `z.coerce.number` would also take `0x10`, `1e3`, `0b1` and `" "` (as 0),
 * none of which anyone means as a count or a duration.
 */
const whole = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v), schema);

const positiveInt = whole(number.positive('expected a whole number > 0'));
const duration = (schema: z.ZodNumber) =>
  whole(schema.max(maxTimerMs, `expected at most ${maxTimerMs} (Node's longest timer, about 24.8 days)`));
const positiveMs = duration(number.positive('expected a whole number > 0'));
const nonNegativeMs = duration(number.nonnegative('expected a whole number >= 0'));
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]);
const port = whole(number.min(0, 'expected a port, 0 to 65535').max(65535, 'expected a port, 0 to 65535'));
const hostPort = /:(\d{1,5})$/;
/** A comma-separated list (or an array, from a file) of `host:port`, e.g. brokers or sentinels. */
const hostPortList = (what: string) =>
  z
    .union([
      z.array(z.string()),
      z.string().transform((s) =>
        s
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(
      z
        .array(
          z
            .string()
            .regex(/^[^\s:]+:\d{1,5}$/, 'host:port')
            .refine((address) => {
              const port = hostPort.exec(address)?.[1];
              // Without a port the regex above has said so already: one problem per address.
              return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
            }, 'host:port with a port from 1 to 65535'),
        )
        .min(1, `at least one ${what}`),
    );

/**
 * `column:header` or `column:header:name`, comma-separated, as Debezium's outbox router takes them.
 * Only the `header` placement has an equivalent here (the value is sent as it is stored).
 */
const additionalPlacement = z
  .union([
    z.array(z.string()),
    z.string().transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(
    z.array(
      z
        .string()
        .regex(
          /^[A-Za-z_][A-Za-z0-9_]{0,62}:header(:[A-Za-z0-9._-]+)?$/,
          'column:header or column:header:name (only the header placement is supported)',
        )
        .transform((p) => {
          const [column = '', , header] = p.split(':');
          return { column, header: header ?? column };
        }),
    ),
  );

/** The Kafka settings that are a connector's own (see connector-config.ts); the rest are the worker's. */
const kafkaTopicFields = {
  /** `{aggregateType}` is replaced; Debezium's outbox router uses the same default. */
  topicTemplate: z.string().includes('{aggregateType}').default('outbox.event.{aggregateType}'),
  /** Where events Kafka rejects for good go (with error headers), like Kafka Connect's DLQ. */
  dlqTopicTemplate: z.string().includes('{aggregateType}').default('outbox.dlq.{aggregateType}'),
  createTopics: bool.default(true),
  topicPartitions: positiveInt.default(6),
  /** -1 takes the broker's default. */
  topicReplicationFactor: whole(number.min(-1, 'expected -1 or a whole number > 0')).default(-1),
};

const loopbackHosts = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Partitions of a new connector when OUTBOX_PARTITIONS is not set. Each partition has one job in
 * flight, so fewer partitions make larger jobs — fewer Redis round trips, Kafka requests and, with
 * exactly-once, transactions per event. On two cores 4 drained faster than 16 and halved the
 * exactly-once tail (bench/README.md, "Four partitions by default"); more publishers than
 * partitions leave some idle, so a fleet of more than 4 sets it higher.
 */
export const defaultPartitions = 4;

export const configSchema = z
  .object({
    connector: z
      .object({
        /** Names this pipeline in queues, metrics and the REST API, like a Kafka Connect connector. */
        name: name.default('users-outbox'),
      })
      .strict()
      .prefault({}),
    sqlite: z
      .object({
        path: z.string().min(1).default('./db.sqlite'),
        /** FULL survives power loss; NORMAL may lose the last commits (already published ones too). */
        synchronous: z.enum(['FULL', 'NORMAL']).default('FULL'),
        busyTimeoutMs: nonNegativeMs.default(5000),
      })
      .strict()
      .prefault({}),
    outbox: z
      .object({
        table: identifier.default('users_outbox'),
        /** Defaults to the table name without its `_outbox` suffix. */
        aggregateType: z
          .string()
          .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, . _ -')
          .optional(),
        /**
         * The column naming each row's aggregate type, and so its topic (Debezium's
         * `route.by.field`); unset, every row has `aggregateType`.
         */
        routeByField: identifier.optional(),
        /** The table's columns, for a table of another shape (Debezium's `table.field.event.*`). */
        fields: z
          .object({
            eventId: identifier.default('eventId'),
            aggregateId: identifier.default('aggregateId'),
            eventType: identifier.default('eventType'),
            payload: identifier.default('payload'),
            /** A table without this column gets the time each row is captured. */
            occurredAt: identifier.default('occurredAt'),
            traceparent: identifier.default('traceparent'),
          })
          .strict()
          .prefault({}),
        /** Extra columns sent as Kafka headers: `column:header[:name],…` (Debezium's `table.fields.additional.placement`). */
        additionalPlacement: additionalPlacement.default([]),
      })
      .strict()
      .prefault({}),
    kafka: z
      .object({
        brokers: hostPortList('broker').default(['127.0.0.1:9092']),
        clientId: z.string().min(1).default('outbox-relay'),
        /** The Kafka client the producer sends with (packages/kafka/src/producer-client.ts). */
        client: z.enum(['kafkajs', 'platformatic']).default('kafkajs'),
        ...kafkaTopicFields,
        compression: z.enum(['none', 'gzip']).default('none'),
        connectionTimeoutMs: positiveMs.default(3000),
        requestTimeoutMs: positiveMs.default(10000),
        /** A job's messages are split into sends of at most this many bytes (the broker's limit is 1 MiB). */
        maxBatchBytes: positiveInt.default(512 * 1024),
        ...kafkaSecurity,
      })
      .strict()
      .superRefine(checkKafkaSecurity)
      .prefault({}),
    redis: z
      .object({
        url: z
          .string()
          .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
          .default('redis://127.0.0.1:6379'),
        /** BullMQ's key prefix; every key of the pipeline starts with it. */
        prefix: name.default('outbox'),
        ...redisSecurity,
        /** Sentinel mode: the master's address is asked of these; the URL's host and port are ignored. */
        sentinels: hostPortList('sentinel').optional(),
      })
      .strict()
      .superRefine(checkRedisSecurity)
      .prefault({}),
    pipeline: z
      .object({
        /**
         * Events of one aggregate always land in the same partition, which is worked on in order.
         * Unset: the count the connector already runs, or {@link defaultPartitions} for a new one.
         */
        partitions: whole(number.min(1, 'expected a whole number > 0').max(256, 'expected at most 256')).optional(),
      })
      .strict()
      .prefault({}),
    capture: z
      .object({
        batchSize: positiveInt.default(2000),
        pollIntervalMs: positiveMs.default(1000),
        jobMaxRows: positiveInt.default(500),
        jobMaxBytes: positiveInt.default(512 * 1024),
        /**
         * Rows enqueued but not yet acknowledged, per partition: a stuck partition stops alone.
         * 1,000 drained 12% slower than 5,000 and peaked no lower in memory (bench: drain, memory).
         */
        maxInFlightPerPartition: positiveInt.default(5000),
        /**
         * Jobs enqueued and not yet acknowledged, per partition: rows committed meanwhile wait and
         * go out together in the next job, so jobs grow with the rate instead of queueing up one
         * event each (see JobWindow in the capture worker). One, because a second job queued
         * behind the first holds few events and makes the rows after it wait for both: at
         * 1,000 events/s one halved the p99 of 2 in both delivery modes, and drained as fast
         * (bench/README.md, "Job window of one").
         */
        maxJobsInFlightPerPartition: positiveInt.default(1),
        ackBatchSize: positiveInt.default(2000),
      })
      .strict()
      .prefault({}),
    publisher: z
      .object({
        /** Shown as the owner of the partitions it works on; defaults to `<hostname>-<pid>`. */
        name: z
          .string()
          .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ -')
          .optional(),
        maxAttempts: positiveInt.default(8),
        /**
         * What an event Kafka rejects for good (too large, a payload that is not JSON) does:
         * go to the dead-letter topic so its partition goes on (Kafka Connect's
         * errors.tolerance=all), or halt its partition until someone acts.
         */
        onPoison: z.enum(['dead-letter', 'halt']).default('dead-letter'),
        /**
         * `exactly-once`: each job in a Kafka transaction of its partition's producer, with the
         * partition's committed position, so read_committed consumers see every event once
         * (Kafka Connect's `exactly.once.source.support`; docs/architecture.md).
         */
        delivery: z.enum(['at-least-once', 'exactly-once']).default('at-least-once'),
        retryInitialMs: positiveMs.default(200),
        retryMaxMs: positiveMs.default(10000),
        /** How often a halted partition tries again. */
        haltProbeIntervalMs: positiveMs.default(15000),
        /**
         * A dead publisher's job is taken over after about lockDurationMs + stalledIntervalMs
         * (≤ 7.5 s by default). The lock is renewed every lockDurationMs / 2, so a shorter lock
         * risks false stalls when a busy 2-core host delays a renewal.
         */
        lockDurationMs: positiveMs.default(5000),
        stalledIntervalMs: positiveMs.default(2500),
      })
      .strict()
      .prefault({}),
    connectors: z
      .object({
        /**
         * The compacted Kafka topic that keeps the connectors created through the REST API (Kafka
         * Connect's `config.storage.topic`). @defaultValue `<redis.prefix>-connect-configs`
         */
        storageTopic: z
          .string()
          .regex(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name: letters, digits, . _ -')
          .optional(),
      })
      .strict()
      .prefault({}),
    writer: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        /** 0 picks a free port, so several processes on one host never collide. */
        port: port.default(0),
      })
      .strict()
      .prefault({}),
    http: z
      .object({
        /** Where /metrics, /healthz, /readyz and (on the capture worker) the REST API listen. */
        host: z.string().min(1).default('127.0.0.1'),
        /** Unset: 8083 for the capture worker (Kafka Connect's port), a free port for a publisher. */
        port: port.optional(),
        /** Bearer token for the REST API; required when `host` is not a loopback address. */
        token: z.string().min(16, 'at least 16 characters').optional(),
      })
      .strict()
      .prefault({}),
    api: z
      .object({
        /** Where the CLI finds the REST API (the capture worker). */
        url: z
          .string()
          .regex(/^https?:\/\/[^\s]+$/, 'an http:// or https:// URL')
          .default('http://127.0.0.1:8083'),
      })
      .strict()
      .prefault({}),
    alerts: z
      .object({
        /** Where alerts are POSTed as JSON; without it they are only logged. */
        webhookUrl: z
          .string()
          .regex(/^https?:\/\/[^\s]+$/, 'an http:// or https:// URL')
          .refine((url) => URL.canParse(url), 'an http:// or https:// URL')
          .optional(),
        /** An error kind seen this often within `windowMs` raises an alert. */
        errorThreshold: positiveInt.default(5),
        /** The window of the error count, and how long alike alerts are held back after one. */
        windowMs: positiveMs.default(60000),
        webhookTimeoutMs: positiveMs.default(5000),
        /** POSTs per alert before it is logged and dropped. */
        webhookMaxAttempts: positiveInt.default(5),
        webhookRetryInitialMs: positiveMs.default(500),
        webhookRetryMaxMs: positiveMs.default(30000),
      })
      .strict()
      .prefault({}),
    tracing: tracingSchema,
    log: z
      .object({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
        format: z.enum(['auto', 'json', 'pretty']).default('auto'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.publisher.delivery === 'exactly-once' && c.kafka.client !== 'kafkajs') {
      ctx.addIssue({
        code: 'custom',
        path: ['kafka', 'client'],
        message: 'exactly-once delivery sends with kafkajs transactions: set KAFKA_CLIENT=kafkajs (the default)',
      });
    }
    if (!loopbackHosts.has(c.http.host) && !c.http.token) {
      ctx.addIssue({
        code: 'custom',
        path: ['http', 'token'],
        message: `required when http.host is ${c.http.host}: the REST API can pause the pipeline and replay events`,
      });
    }
  })
  .transform((c) => ({
    ...c,
    outbox: withShape(c.outbox),
    connectors: { storageTopic: c.connectors.storageTopic ?? `${c.redis.prefix}-connect-configs` },
  }));

/**
 * The outbox section with `shape`: the table as the outbox store reads it (packages/outbox-store's
 * OutboxTable), so every process derives it the same way.
 */
export function withShape<
  T extends {
    table: string;
    aggregateType?: string | undefined;
    routeByField?: string | undefined;
    fields: object;
    additionalPlacement: { column: string; header: string }[];
  },
>(outbox: T) {
  const aggregateType = outbox.aggregateType ?? outbox.table.replace(/_outbox$/, '');
  return {
    ...outbox,
    aggregateType,
    shape: {
      name: outbox.table,
      columns: outbox.fields as T['fields'],
      ...(outbox.routeByField && { aggregateTypeColumn: outbox.routeByField }),
      aggregateType,
      headerColumns: outbox.additionalPlacement,
    },
  };
}

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/**
 * What a connector sets for itself, as Kafka Connect's connector configs do: its database and
 * table, partitions, capture and publisher settings, and topics. Everything else (brokers, Redis,
 * security, HTTP, logs) is the worker's. Defaults are the same as in the worker's config.
 */
export const connectorSettingsSchema = z
  .object({
    sqlite: configSchema.in.shape.sqlite,
    outbox: configSchema.in.shape.outbox,
    pipeline: configSchema.in.shape.pipeline,
    capture: configSchema.in.shape.capture,
    publisher: configSchema.in.shape.publisher.unwrap().omit({ name: true }).prefault({}),
    kafka: z.object(kafkaTopicFields).strict().prefault({}),
  })
  .strict();
