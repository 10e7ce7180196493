import { randomBytes } from 'node:crypto';
import { loadConfig } from '@outbox/config';
import { createLogger } from '@outbox/logger';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { pipelineNames } from './names.ts';
import { openPartitionQueues } from './partition-queues.ts';
import { createRedisClient } from './redis-client.ts';

const logger = createLogger({ level: 'silent', format: 'json' });
const redis = createRedisClient(loadConfig({ env: { REDIS_URL: inject('redisUrl') } }).redis, {
  logger,
  connectionName: 'redis-pipeline-test',
});
afterAll(() => redis.quit());

/**
 * ioredis is patched (CONTRIBUTING.md, "Redis, ioredis and the patch"): a pipeline finds its
 * client's Lua scripts on a prototype its client's pipelines share, instead of copying BullMQ's 64
 * scripts onto every pipeline (about 20 µs each: a tenth of the workers' CPU at 1,000 events/s).
 */
describe('pipelines of a client that BullMQ defined its scripts on', () => {
  it('call the scripts without a copy of them each, and see scripts defined later', async () => {
    const prefix = `rp${randomBytes(4).toString('hex')}`;
    const names = pipelineNames(prefix, 'c');
    const [queue] = await openPartitionQueues(redis, names, { prefix, partitions: 1, logger });
    try {
      // BullMQ defines its scripts on the client the first time a queue runs one.
      await queue?.add('publish', { events: [] } as never);
      const scripts = Object.keys(redis.scriptsSet);
      expect(scripts.length).toBeGreaterThan(20);
      const pipeline = redis.pipeline();
      for (const name of scripts) {
        expect(typeof (pipeline as unknown as Record<string, unknown>)[name]).toBe('function');
        expect(Object.hasOwn(pipeline, name)).toBe(false);
      }

      redis.defineCommand(`${prefix}Echo`, { numberOfKeys: 0, lua: 'return ARGV[1]' });
      const later = redis.pipeline() as unknown as Record<string, (...args: string[]) => unknown> & {
        exec(): Promise<[Error | null, unknown][] | null>;
      };
      later[`${prefix}Echo`]?.('hello');
      later.get?.(`${prefix}:missing`);
      expect(await later.exec()).toEqual([
        [null, 'hello'],
        [null, null],
      ]);
      expect(later.length).toBe(2);
    } finally {
      await queue?.obliterate({ force: true });
      await queue?.close();
    }
  });
});
