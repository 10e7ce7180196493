export { freePort, type KafkaBroker, type RedisServer, startKafkaBroker, startRedisServer } from '@outbox/infra';
export { type CommittedEvent, recordCommittedEvents } from './committed-events.ts';
export { type ReceivedEvent, readTopic } from './read-topic.ts';
export { type AppProcess, spawnApp } from './spawn-app.ts';
export { type TestEnvironment, testEnvironment } from './test-environment.ts';
export { outboxDepth, useApps } from './use-apps.ts';
export { waitFor } from './wait-for.ts';
