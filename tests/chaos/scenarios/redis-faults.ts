import { setTimeout as sleep } from 'node:timers/promises';
import { pipelineNames } from '@outbox/queue';
import { waitFor } from '@outbox/testkit';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import type { ChaosOutcome, ChaosRun, ChaosScenario } from '../harness/chaos-scenario.ts';

/** The capture worker must have noticed the loss; otherwise the fault was not really injected. */
function expectLossNoticed({ fleetOutput }: ChaosOutcome): void {
  expect(fleetOutput('capture')).toContain('Redis lost its data');
}

/**
 * The moment to strike, once the capture worker holds an epoch in Redis: a loss before that is its
 * first start, which it rightly does not report (on a slow machine 10% of the load can be written
 * before the worker is up).
 */
export async function untilStrikeWhileCapturing(run: ChaosRun): Promise<void> {
  await run.untilRandomMoment();
  const { epoch } = pipelineNames(run.config.redis.prefix, run.config.connector.name);
  while ((await command(run, (client) => client.exists(epoch))) === 0) await sleep(50);
}

/** One command to the scenario's Redis, on a connection of its own. */
export async function command<T>(run: ChaosRun, send: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(run.env.REDIS_URL ?? '');
  try {
    return await send(client);
  } finally {
    client.disconnect();
  }
}

/** FLUSHALL at a random moment of the load: jobs, cursors, acknowledgements and settings gone at once. */
export function redisFlushall(): ChaosScenario {
  return {
    fault: 'Redis FLUSHALL',
    needs: { redis: true },
    inject: async (run) => {
      await untilStrikeWhileCapturing(run);
      await command(run, (client) => client.flushall());
      run.log(`FLUSHALL with ${run.committed()} events written`);
      return Date.now();
    },
    check: expectLossNoticed,
  };
}

/** Redis (without persistence) stopped at a random moment, down for a moment, started again empty. */
export function redisRestart(): ChaosScenario {
  return {
    fault: 'Redis restart',
    needs: { redis: true },
    inject: async (run) => {
      await untilStrikeWhileCapturing(run);
      const redis = run.redis;
      if (!redis) throw new Error('the Redis restart scenario needs a Redis of its own');
      await redis.stop();
      run.log(`Redis stopped with ${run.committed()} events written`);
      await sleep(1000 + Math.random() * 2000);
      await redis.start();
      return Date.now();
    },
    check: expectLossNoticed,
  };
}

const rollbackNoticed = 'Redis came back with older data';

/**
 * Redis restarted from a snapshot taken a moment earlier (a restore, a failover to a lagging
 * replica): the jobs, cursors and acknowledgements of the seconds after it are gone, the rest is old.
 */
export function redisRollback(): ChaosScenario {
  return {
    fault: 'Redis back from an older snapshot',
    needs: { redis: true },
    inject: async (run) => {
      await untilStrikeWhileCapturing(run);
      const redis = run.redis;
      if (!redis) throw new Error('the Redis rollback scenario needs a Redis of its own');
      // SAVE writes the snapshot the restarted server loads; this Redis saves nothing on shutdown.
      const { cursors } = pipelineNames(run.config.redis.prefix, run.config.connector.name);
      const generation = () => command(run, (client) => client.hget(cursors, 'generation'));
      await command(run, (client) => client.save());
      const saved = await generation();
      run.log(`snapshot taken with ${run.committed()} events written`);
      await sleep(1000 + Math.random() * 1000);
      // Only a rollback past something the capture worker wrote can be noticed (and matter): on a
      // machine slow enough that it saved nothing since the snapshot, wait until it has.
      const deadline = Date.now() + 15_000;
      while ((await generation()) === saved && Date.now() < deadline) await sleep(50);
      await redis.stop();
      run.log(`Redis stopped with ${run.committed()} events written; starting it from the snapshot`);
      await redis.start();
      const ended = Date.now();
      // On a slow machine the load can be over by now, the outbox empty and the capture worker
      // idle: it looks at Redis again at its next poll, which an empty outbox would not wait for.
      await waitFor('the capture worker to notice the rollback', () => run.fleet.output('capture').includes(rollbackNoticed), {
        timeoutMs: 15_000,
        intervalMs: 100,
      });
      return ended;
    },
    check: ({ fleetOutput }) => expect(fleetOutput('capture')).toContain(rollbackNoticed),
  };
}
