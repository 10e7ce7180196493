export { testEnvironment, type TestEnvironment } from './test-environment.ts';
export { spawnApp, type AppProcess } from './spawn-app.ts';
export { readTopic, type ReceivedEvent } from './read-topic.ts';
export { waitFor } from './wait-for.ts';
export { recordCommittedEvents, type CommittedEvent } from './committed-events.ts';
export { freePort } from '@outbox/infra';
