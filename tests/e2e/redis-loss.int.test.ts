import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  freePort,
  outboxDepth,
  type RedisServer,
  readTopic,
  startRedisServer,
  testEnvironment,
  useApps,
  waitFor,
} from '@outbox/testkit';
import { readIdsFile, toVerifiedEvents, verifyEvents } from '@outbox/verifier';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';

const start = useApps();
let redis: RedisServer | undefined;
afterEach(() => redis?.stop());

const lost = 'Redis lost its data';
const rolledBack = 'Redis came back with older data';

/**
 * Redis without persistence loses the jobs, the capture cursors, the ack stream and the queue
 * settings at once; Redis restored from a snapshot loses what changed since it was taken. Every
 * row still in the outbox must reach Kafka anyway, in order.
 */
describe('Redis data loss', () => {
  const scenarios: [string, string, (server: RedisServer, port: number, dir: string) => Promise<RedisServer>][] = [
    [
      'FLUSHALL',
      lost,
      async (server) => {
        const client = new Redis(server.url);
        await client.flushall();
        client.disconnect();
        return server;
      },
    ],
    [
      'a restart without persistence',
      lost,
      async (server, port, dir) => {
        await server.stop();
        await sleep(1000);
        return startRedisServer({ port, dir });
      },
    ],
    [
      'a restart from a snapshot taken a second earlier',
      rolledBack,
      async (server, port, dir) => {
        // SAVE writes dump.rdb into the server's directory; the restarted server loads it, so jobs,
        // cursors and acknowledgements from the second after it are gone and the rest is older.
        const client = new Redis(server.url);
        await client.save();
        client.disconnect();
        await sleep(1000);
        await server.stop();
        return startRedisServer({ port, dir });
      },
    ],
  ];

  it.each(scenarios)('loses nothing and reorders nothing after %s mid-load', async (what, expectedLog, fault) => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-redis-loss-'));
    const port = await freePort();
    redis = await startRedisServer({ port, dir });
    const { env, config, topic } = testEnvironment({ REDIS_URL: redis.url, LOG_LEVEL: 'warn' });
    const idsFile = join(dir, 'ids.txt');
    const capture = start('capture-worker', { ...env, LOG_LEVEL: 'info' });
    const publishers = ['pub-1', 'pub-2'].map((name) => start('publisher-worker', { ...env, OUTBOX_PUBLISHER_NAME: name }));

    // The loss must strike a capture worker that is running (with an epoch), mid-load: the load
    // starts once it runs, and the fault once a third of the load is committed (a loaded machine
    // can take seconds to start a process, so fixed delays alone let it land after the load).
    await waitFor('the capture worker to start', () => capture.output().includes('capture worker started'), {
      timeoutMs: 30_000,
    });
    const load = start('cli', env, ['load', '--events', '3000', '--aggregates', '100', '--rate', '1000', '--ids-file', idsFile]);
    await waitFor('a third of the load to be committed', () => existsSync(idsFile) && readIdsFile(idsFile).length >= 1000, {
      timeoutMs: 30_000,
    });
    redis = await fault(redis, port, dir);
    expect(await load.exited).toBe(0);
    await waitFor('the outbox to drain', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 60_000 }).catch(
      (error: unknown) => {
        const tail = (text: string) => text.split('\n').slice(-15).join('\n');
        console.log(
          `capture:\n${tail(capture.output())}\n${publishers.map((p) => `publisher:\n${tail(p.output())}`).join('\n')}`,
        );
        throw error;
      },
    );

    const records = await readTopic(config.kafka.brokers, topic);
    const report = verifyEvents({
      events: toVerifiedEvents(records),
      committed: readIdsFile(idsFile),
    });
    console.log(
      `redis loss (${what}): ${report.uniqueEvents} delivered, ${report.duplicates} duplicates, ${report.lost.length} lost, ${report.outOfOrder} out of order`,
    );
    expect(report.lost).toEqual([]);
    expect(report.outOfOrder).toBe(0);
    expect(report.uniqueEvents).toBe(3000);
    // The capture worker noticed, and said what (at its next read, up to a poll interval after the
    // outbox drained): otherwise the fault was not really injected.
    await waitFor(`the capture worker to log "${expectedLog}"`, () => capture.output().includes(expectedLog), {
      timeoutMs: 10_000,
    });
  });
});
