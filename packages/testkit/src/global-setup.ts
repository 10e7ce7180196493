import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startKafkaBroker, startRedisServer } from '@outbox/infra';
import { routeProcessWarnings } from '@outbox/runtime';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[];
    redisUrl: string;
  }
}

/**
 * One real Kafka broker and one real Redis for the whole run (docs/architecture.md, "Local infrastructure"); tests keep out
 * of each other's way with unique topics, queue prefixes and database files.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  routeProcessWarnings((warning) => process.stderr.write(`warning: ${warning.message}\n`));
  const dir = mkdtempSync(join(tmpdir(), 'outbox-test-infra-'));
  const [broker, redis] = await Promise.all([
    (async () =>
      startKafkaBroker({ dataDir: join(dir, 'kafka'), port: await freePort(), controllerPort: await freePort(), heapMb: 512 }))(),
    (async () => startRedisServer({ port: await freePort(), dir: join(dir, 'redis') }))(),
  ]);
  project.provide('kafkaBrokers', broker.brokers);
  project.provide('redisUrl', redis.url);
  return async () => {
    await Promise.allSettled([broker.stop(), redis.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
}
