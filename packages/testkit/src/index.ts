export { freePort, type KafkaBroker, type RedisServer, startKafkaBroker, startRedisServer } from '@outbox/infra';
export { type AlertReceiver, type ReceivedAlert, startAlertReceiver } from './alert-receiver.ts';
export { auditDelivery, type DeliveryAudit } from './audit-delivery.ts';
export { type ChaosRow, formatChaosReport, formatChaosTable } from './chaos-table.ts';
export { type CommittedEvent, recordCommittedEvents } from './committed-events.ts';
export {
  type KafkaContainer,
  type RedisContainer,
  startKafkaContainer,
  startRedisContainer,
  testContainerLabel,
} from './containers.ts';
export { httpUrlOf } from './http-url.ts';
export { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './otlp-receiver.ts';
export { ownBrokerOptions } from './own-broker.ts';
export { type ReceivedEvent, readTopic } from './read-topic.ts';
export { metricValue, scrapeMetrics } from './scrape-metrics.ts';
export { mtlsEnv, type SecuredKafka, saslEnv, useSecuredKafka } from './secured-kafka.ts';
export { type AppProcess, spawnApp } from './spawn-app.ts';
export { type TestEnvironment, type TestEnvironmentOptions, testEnvironment } from './test-environment.ts';
export { outboxDepth, useApps } from './use-apps.ts';
export { waitFor } from './wait-for.ts';
