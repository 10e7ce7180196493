import { routeProcessWarnings } from '@outbox/runtime';
import type { TestProject } from 'vitest/node';
import { startKafkaContainer, startRedisContainer } from './containers.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The images of the test kit's Kafka and Redis containers, when not the official ones. */
    containerImages?: { kafka: string; redis: string };
  }
}

/**
 * The same run-wide Kafka broker and Redis as global-setup.ts, started as containers with
 * testcontainers instead of local processes. A vitest project selects it with
 * `globalSetup: ['./packages/testkit/src/container-global-setup.ts']`; its tests need no change.
 * The images default to the official ones; a global setup before this one may provide others as
 * `containerImages` (the locally built images of docs/docker.md, where no image registry is
 * reachable). Testcontainers' reaper, Ryuk, must be off (TESTCONTAINERS_RYUK_DISABLED, set by the
 * vitest config): every container here is removed by the teardown below.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  routeProcessWarnings((warning) => process.stderr.write(`warning: ${warning.message}\n`));
  const images = project.getProvidedContext().containerImages;
  const [kafka, redis] = await Promise.allSettled([
    startKafkaContainer(images?.kafka ?? 'apache/kafka:4.1.1'),
    startRedisContainer(images?.redis ?? 'redis:7'),
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
