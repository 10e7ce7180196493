import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type KafkaBroker, type RedisServer, startKafkaBroker, startRedisServer } from '@outbox/infra';

export interface BenchInfra {
  broker: KafkaBroker;
  redis: RedisServer;
  dir: string;
  stop(): Promise<void>;
}

/** A broker and a redis-server of the benchmark's own, on free ports, like the test kit's. */
export async function startBenchInfra(): Promise<BenchInfra> {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-bench-'));
  const broker = await startKafkaBroker({
    dataDir: join(dir, 'kafka'),
    port: await freePort(),
    controllerPort: await freePort(),
    heapMb: 1024,
  });
  const redis = await startRedisServer({ port: await freePort(), dir: join(dir, 'redis') });
  return {
    broker,
    redis,
    dir,
    stop: async () => {
      await Promise.allSettled([broker.stop(), redis.stop()]);
    },
  };
}
