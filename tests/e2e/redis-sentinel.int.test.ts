import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RedisSentinelSet, startRedisSentinels } from '@outbox/infra';
import { pipelineNames } from '@outbox/queue';
import { type TestEnvironment, testEnvironment, useApps, waitFor } from '@outbox/testkit';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { aclRefusals, pipelineAclRule, sentinelClientCommands } from '../support/redis-acl-rules.ts';
import { expectEveryEventDelivered, runPipelineOnRedis } from '../support/redis-pipeline-run.ts';

const start = useApps();
const appPassword = 'sentinel-app-3c9a';
const sentinelPassword = 'sentinel-pw-8e21';
const sentinelAdminPassword = 'sentinel-admin-2f7c';
let set: RedisSentinelSet | undefined;
afterEach(() => set?.stop());

/**
 * One master, one replica and three sentinels; the apps find the master through the sentinels as
 * ACL users with only the commands they need, on the nodes (the pipeline's rule; ACL users are not
 * replicated, so every node has them) and on the sentinels.
 */
async function sentinelEnvironment(): Promise<{ set: RedisSentinelSet; test: TestEnvironment }> {
  const prefix = testEnvironment().config.redis.prefix;
  set = await startRedisSentinels({
    dir: mkdtempSync(join(tmpdir(), 'outbox-redis-sentinel-')),
    users: [['outbox', ...pipelineAclRule(prefix, appPassword)].join(' ')],
    sentinelPassword: sentinelAdminPassword,
    sentinelUsers: [['outbox', 'on', `>${sentinelPassword}`, '-@all', ...sentinelClientCommands.map((c) => `+${c}`)].join(' ')],
  });
  const test = testEnvironment({
    OUTBOX_REDIS_PREFIX: prefix,
    // With sentinels the URL's host and port are ignored; its scheme and credentials count.
    REDIS_URL: `redis://outbox:${appPassword}@127.0.0.1:6379`,
    REDIS_SENTINELS: set.sentinels.join(','),
    REDIS_SENTINEL_MASTER: set.masterName,
    REDIS_SENTINEL_USERNAME: 'outbox',
    REDIS_SENTINEL_PASSWORD: sentinelPassword,
  });
  return { set, test };
}

/** The master's node, as the sentinels name it now. */
async function currentMaster(sentinels: RedisSentinelSet) {
  const port = await sentinels.masterPort();
  const node = sentinels.nodes.find((n) => n?.port === port);
  if (!node) throw new Error(`no running node on port ${port}`);
  return node;
}

/** What the server at `port` refused its users (ACL LOG): `<reason>:<command or key>`. */
async function refused(port: number, password: string): Promise<string[]> {
  const client = new Redis({ host: '127.0.0.1', port, password });
  try {
    return await aclRefusals(client);
  } finally {
    client.disconnect();
  }
}

function summary(what: string, report: { uniqueEvents: number; duplicates: number; lost: unknown[]; outOfOrder: number }) {
  return `${what}: ${report.uniqueEvents} delivered, ${report.duplicates} duplicates, ${report.lost.length} lost, ${report.outOfOrder} out of order`;
}

describe('Redis Sentinel', () => {
  it('SIGKILL of the master mid-load: the sentinels promote the replica and nothing is lost or reordered', async () => {
    const { set, test } = await sentinelEnvironment();
    const master = await currentMaster(set);
    const run = await runPipelineOnRedis({
      start,
      test,
      events: 3000,
      rate: 600,
      drainTimeoutMs: 90_000,
      midLoad: async () => {
        set.kill(master);
        await waitFor('the sentinels to promote the replica', async () => (await set.masterPort()) !== master.port, {
          timeoutMs: 30_000,
        });
      },
    });
    expectEveryEventDelivered(run, 'Sentinel failover');
    // The rules were enough: the sentinels refused nothing, the new master only Bull Board's CLIENT LIST.
    for (const address of set.sentinels) expect(await refused(Number(address.split(':')[1]), sentinelAdminPassword)).toEqual([]);
    expect(new Set(await refused(await set.masterPort(), set.adminPassword))).toEqual(new Set(['command:client|list']));
  });

  it('a promoted replica that was behind: the capture worker notices the rollback and everything still arrives', async () => {
    const { set, test } = await sentinelEnvironment();
    const master = await currentMaster(set);
    const { cursors } = pipelineNames(test.config.redis.prefix, test.config.connector.name);
    const admin = new Redis({ host: '127.0.0.1', port: master.port, password: set.adminPassword });
    const generation = async () => Number((await admin.hget(cursors, 'generation')) ?? 0);
    try {
      const run = await runPipelineOnRedis({
        start,
        test,
        events: 3000,
        rate: 600,
        operate: false,
        drainTimeoutMs: 90_000,
        midLoad: async () => {
          // The replica stops following while the master takes a few more cursor saves (and the
          // jobs before them): promoted, it holds older cursors and lacks those jobs.
          await set.cutReplication();
          const cutAt = await generation();
          await waitFor('the master to save the cursors twice more', async () => (await generation()) >= cutAt + 2);
          admin.disconnect();
          set.kill(master);
        },
      });
      const { report } = run.audit;
      console.log(summary('Sentinel failover to a replica behind', report));
      expect(report.lost).toEqual([]);
      expect(report.outOfOrder).toBe(0);
      expect(report.uniqueEvents).toBe(3000);
      expect(await set.masterPort()).not.toBe(master.port);
      expect(run.capture.output()).toContain('Redis came back with older data');
    } finally {
      admin.disconnect();
    }
  });
});
