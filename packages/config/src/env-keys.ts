/**
 * Environment variables and the config path each one sets. Kept as one table so docs/configuration.md,
 * the loader and the unknown-key check can never disagree.
 */
export const envKeys = {
  OUTBOX_CONFIG_FILE: null,
  OUTBOX_CONNECTOR_NAME: 'connector.name',
  OUTBOX_SQLITE_PATH: 'sqlite.path',
  OUTBOX_SQLITE_SYNCHRONOUS: 'sqlite.synchronous',
  OUTBOX_SQLITE_BUSY_TIMEOUT_MS: 'sqlite.busyTimeoutMs',
  OUTBOX_TABLE: 'outbox.table',
  OUTBOX_AGGREGATE_TYPE: 'outbox.aggregateType',
  OUTBOX_ROUTE_BY_FIELD: 'outbox.routeByField',
  OUTBOX_FIELD_EVENT_ID: 'outbox.fields.eventId',
  OUTBOX_FIELD_EVENT_KEY: 'outbox.fields.aggregateId',
  OUTBOX_FIELD_EVENT_TYPE: 'outbox.fields.eventType',
  OUTBOX_FIELD_EVENT_PAYLOAD: 'outbox.fields.payload',
  OUTBOX_FIELD_EVENT_TIMESTAMP: 'outbox.fields.occurredAt',
  OUTBOX_FIELD_TRACEPARENT: 'outbox.fields.traceparent',
  OUTBOX_FIELDS_ADDITIONAL_PLACEMENT: 'outbox.additionalPlacement',
  KAFKA_BROKERS: 'kafka.brokers',
  KAFKA_CLIENT_ID: 'kafka.clientId',
  KAFKA_CLIENT: 'kafka.client',
  OUTBOX_TOPIC_TEMPLATE: 'kafka.topicTemplate',
  OUTBOX_DLQ_TOPIC_TEMPLATE: 'kafka.dlqTopicTemplate',
  OUTBOX_CREATE_TOPICS: 'kafka.createTopics',
  OUTBOX_TOPIC_PARTITIONS: 'kafka.topicPartitions',
  OUTBOX_TOPIC_REPLICATION_FACTOR: 'kafka.topicReplicationFactor',
  KAFKA_COMPRESSION: 'kafka.compression',
  KAFKA_CONNECTION_TIMEOUT_MS: 'kafka.connectionTimeoutMs',
  KAFKA_REQUEST_TIMEOUT_MS: 'kafka.requestTimeoutMs',
  KAFKA_MAX_BATCH_BYTES: 'kafka.maxBatchBytes',
  KAFKA_SECURITY_PROTOCOL: 'kafka.securityProtocol',
  KAFKA_SASL_MECHANISM: 'kafka.sasl.mechanism',
  KAFKA_SASL_USERNAME: 'kafka.sasl.username',
  KAFKA_SASL_PASSWORD: 'kafka.sasl.password',
  KAFKA_SASL_OAUTHBEARER_TOKEN_FILE: 'kafka.sasl.oauthbearerTokenFile',
  KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND: 'kafka.sasl.oauthbearerTokenCommand',
  KAFKA_SSL_CA_FILE: 'kafka.ssl.caFile',
  KAFKA_SSL_CERT_FILE: 'kafka.ssl.certFile',
  KAFKA_SSL_KEY_FILE: 'kafka.ssl.keyFile',
  KAFKA_SSL_KEY_PASSWORD: 'kafka.ssl.keyPassword',
  KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM: 'kafka.ssl.endpointIdentificationAlgorithm',
  REDIS_URL: 'redis.url',
  OUTBOX_REDIS_PREFIX: 'redis.prefix',
  OUTBOX_CONFIG_STORAGE_TOPIC: 'connectors.storageTopic',
  REDIS_USERNAME: 'redis.username',
  REDIS_PASSWORD: 'redis.password',
  REDIS_TLS_CA_FILE: 'redis.tls.caFile',
  REDIS_TLS_CERT_FILE: 'redis.tls.certFile',
  REDIS_TLS_KEY_FILE: 'redis.tls.keyFile',
  REDIS_SENTINELS: 'redis.sentinels',
  REDIS_SENTINEL_MASTER: 'redis.sentinelMasterName',
  REDIS_SENTINEL_USERNAME: 'redis.sentinelUsername',
  REDIS_SENTINEL_PASSWORD: 'redis.sentinelPassword',
  OUTBOX_PARTITIONS: 'pipeline.partitions',
  OUTBOX_CAPTURE_BATCH_SIZE: 'capture.batchSize',
  OUTBOX_CAPTURE_POLL_INTERVAL_MS: 'capture.pollIntervalMs',
  OUTBOX_JOB_MAX_ROWS: 'capture.jobMaxRows',
  OUTBOX_JOB_MAX_BYTES: 'capture.jobMaxBytes',
  OUTBOX_MAX_IN_FLIGHT_PER_PARTITION: 'capture.maxInFlightPerPartition',
  OUTBOX_MAX_JOBS_IN_FLIGHT_PER_PARTITION: 'capture.maxJobsInFlightPerPartition',
  OUTBOX_ACK_BATCH_SIZE: 'capture.ackBatchSize',
  OUTBOX_PUBLISHER_NAME: 'publisher.name',
  OUTBOX_PUBLISH_MAX_ATTEMPTS: 'publisher.maxAttempts',
  OUTBOX_ON_POISON: 'publisher.onPoison',
  OUTBOX_DELIVERY: 'publisher.delivery',
  OUTBOX_RETRY_INITIAL_MS: 'publisher.retryInitialMs',
  OUTBOX_RETRY_MAX_MS: 'publisher.retryMaxMs',
  OUTBOX_HALT_PROBE_INTERVAL_MS: 'publisher.haltProbeIntervalMs',
  OUTBOX_LOCK_DURATION_MS: 'publisher.lockDurationMs',
  OUTBOX_STALLED_INTERVAL_MS: 'publisher.stalledIntervalMs',
  WRITER_HOST: 'writer.host',
  WRITER_PORT: 'writer.port',
  OUTBOX_HTTP_HOST: 'http.host',
  OUTBOX_HTTP_PORT: 'http.port',
  OUTBOX_HTTP_TOKEN: 'http.token',
  OUTBOX_API_URL: 'api.url',
  OUTBOX_ALERT_WEBHOOK_URL: 'alerts.webhookUrl',
  OUTBOX_ALERT_ERROR_THRESHOLD: 'alerts.errorThreshold',
  OUTBOX_ALERT_WINDOW_MS: 'alerts.windowMs',
  OUTBOX_ALERT_WEBHOOK_TIMEOUT_MS: 'alerts.webhookTimeoutMs',
  OUTBOX_ALERT_WEBHOOK_MAX_ATTEMPTS: 'alerts.webhookMaxAttempts',
  OUTBOX_ALERT_WEBHOOK_RETRY_INITIAL_MS: 'alerts.webhookRetryInitialMs',
  OUTBOX_ALERT_WEBHOOK_RETRY_MAX_MS: 'alerts.webhookRetryMaxMs',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'tracing.endpoint',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'tracing.tracesEndpoint',
  OTEL_SDK_DISABLED: 'tracing.disabled',
  OTEL_SERVICE_NAME: 'tracing.serviceName',
  OTEL_TRACES_SAMPLER: 'tracing.sampler',
  OTEL_TRACES_SAMPLER_ARG: 'tracing.samplerRatio',
  LOG_LEVEL: 'log.level',
  LOG_FORMAT: 'log.format',
} as const satisfies Record<string, string | null>;

export type EnvKey = keyof typeof envKeys;

/**
 * Settings that hold secrets. Each may also be given as `<KEY>_FILE`, a file holding the value
 * (how Docker and Kubernetes hand secrets over), and none is ever echoed in a config error.
 */
export const secretKeys = [
  'KAFKA_SASL_PASSWORD',
  'KAFKA_SSL_KEY_PASSWORD',
  'REDIS_URL',
  'REDIS_PASSWORD',
  'REDIS_SENTINEL_PASSWORD',
  'OUTBOX_HTTP_TOKEN',
  'OUTBOX_ALERT_WEBHOOK_URL',
] as const satisfies readonly EnvKey[];

/** `<KEY>_FILE` → the secret setting it fills. */
export const secretFileKeys: ReadonlyMap<string, (typeof secretKeys)[number]> = new Map(
  secretKeys.map((key) => [`${key}_FILE`, key]),
);

/** The prefix only this project uses: any unknown variable with it is a mistake, not noise. */
export const ownPrefix = 'OUTBOX_';

/**
 * The other prefixes of the table's keys. They are shared with other software (Kafka's own scripts
 * read KAFKA_HEAP_OPTS and KAFKA_OPTS, docker setups set REDIS_HOST, many tools LOG_DIR), so an
 * unknown variable with one of them is reported only when it is a near miss of one of ours.
 */
export const sharedPrefixes = [
  ...new Set(
    Object.keys(envKeys)
      .filter((key) => !key.startsWith(ownPrefix))
      .map((key) => key.slice(0, key.indexOf('_') + 1)),
  ),
];
