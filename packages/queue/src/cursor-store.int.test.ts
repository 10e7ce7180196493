import { randomBytes } from 'node:crypto';
import { loadConfig } from '@outbox/config';
import { createLogger } from '@outbox/logger';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { CursorStore, redisWentBack } from './cursor-store.ts';
import { pipelineNames } from './names.ts';
import { openPartitionQueues } from './partition-queues.ts';
import { createRedisClient } from './redis-client.ts';

const logger = createLogger({ level: 'silent', format: 'json' });
const redis = createRedisClient(loadConfig({ env: { REDIS_URL: inject('redisUrl') } }).redis, {
  logger,
  connectionName: 'cursor-store-test',
});
afterAll(() => redis.quit());

describe('CursorStore against Redis and BullMQ', () => {
  it('reads the marks a rollback check needs, and a save says what it replaced', async () => {
    const prefix = `cs${randomBytes(4).toString('hex')}`;
    const names = pipelineNames(prefix, 'c');
    const queues = await openPartitionQueues(redis, names, { prefix, partitions: 2, logger });
    const store = new CursorStore(
      redis,
      names,
      'db-1',
      queues.map((queue) => queue.toKey('id')),
    );
    try {
      expect(await store.marks()).toEqual({ epoch: null, generation: 0, jobCounters: [0, 0] });
      expect(await store.save([5, 9], 1)).toEqual({ generation: 0, jobCounters: [0, 0] });
      // The job counter is BullMQ's: raised by every add, a duplicate job id included, so it proves
      // the adds reached this Redis even when their jobs are already gone.
      const job = (id: string) => ({ name: 'publish', data: { events: [] } as never, opts: { jobId: id } });
      await queues[1]?.addBulk([job('a'), job('b'), job('a')]);
      await store.setEpoch('e1');
      expect(await store.marks()).toEqual({ epoch: 'e1', generation: 1, jobCounters: [0, 3] });
      // Saving the same generation again (a resend after a dropped connection) finds itself.
      const again = await store.save([5, 9], 1);
      expect(again).toEqual({ generation: 1, jobCounters: [0, 3] });
      expect(redisWentBack({ lastGeneration: 0, found: again })).toBe(false);
      expect(await store.load(2)).toEqual({ cursors: [5, 9], generation: 1 });
      // Another database file's cursors are not these.
      expect(await new CursorStore(redis, names, 'db-2').load(2)).toBeNull();
    } finally {
      await Promise.all(queues.map((queue) => queue.obliterate({ force: true }).then(() => queue.close())));
    }
  });
});
