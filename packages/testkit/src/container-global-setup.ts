import { routeProcessWarnings } from '@outbox/runtime';
import type { TestProject } from 'vitest/node';
import { startKafkaContainer, startRedisContainer } from './containers.ts';

/**
 * The same run-wide Kafka broker and Redis as global-setup.ts, started as containers with
 * testcontainers instead of local processes. A vitest project selects it with
 * `globalSetup: ['./packages/testkit/src/container-global-setup.ts']`; its tests need no change.
 * The images default to the official ones; OUTBOX_KAFKA_IMAGE and OUTBOX_REDIS_IMAGE name others
 * (the locally built images of docs/docker.md, where no image registry is reachable).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  routeProcessWarnings((warning) => process.stderr.write(`warning: ${warning.message}\n`));
  // Ryuk, testcontainers' reaper, is one more image from a registry; every container here is
  // removed by the teardown below instead (and by label in CI if a run dies).
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  const [kafka, redis] = await Promise.allSettled([
    startKafkaContainer(process.env.OUTBOX_KAFKA_IMAGE || 'apache/kafka:4.1.1'),
    startRedisContainer(process.env.OUTBOX_REDIS_IMAGE || 'redis:7'),
  ]);
  const stopAll = async () => {
    await Promise.allSettled([kafka, redis].map((started) => started.status === 'fulfilled' && started.value.stop()));
  };
  if (kafka.status === 'rejected' || redis.status === 'rejected') {
    await stopAll();
    throw kafka.status === 'rejected' ? kafka.reason : (redis as PromiseRejectedResult).reason;
  }
  project.provide('kafkaBrokers', kafka.value.brokers);
  project.provide('redisUrl', redis.value.url);
  return stopAll;
}
