import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  auditDelivery,
  freePort,
  outboxDepth,
  type RedisServer,
  recordCommittedEvents,
  startRedisServer,
  testEnvironment,
  useApps,
  waitFor,
} from '@outbox/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aclRefusals, neededCommands, pipelineAclRule } from '../support/redis-acl-rules.ts';
import { expectEveryEventDelivered, runPipelineOnRedis } from '../support/redis-pipeline-run.ts';

const start = useApps();
const adminPassword = 'acl-admin-7f3e';
const appPassword = 'acl-app-91c2';
let redis: RedisServer;
let admin: Redis;

beforeAll(async () => {
  redis = await startRedisServer({
    port: await freePort(),
    dir: mkdtempSync(join(tmpdir(), 'outbox-redis-acl-')),
    users: [`default on >${adminPassword} ~* &* +@all`],
  });
  admin = new Redis(redis.url, { password: adminPassword });
});
afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

/** A test environment on the ACL server, as the user `app` with `rule`. */
async function asAclUser(rule: (prefix: string) => string[]) {
  const prefix = testEnvironment().config.redis.prefix;
  await admin.call('ACL', 'SETUSER', 'app', ...rule(prefix));
  await admin.call('ACL', 'LOG', 'RESET');
  return testEnvironment({
    REDIS_URL: redis.url,
    REDIS_USERNAME: 'app',
    REDIS_PASSWORD: appPassword,
    OUTBOX_REDIS_PREFIX: prefix,
  });
}

/** What Redis refused the user since the last reset: `command` (or key) names, from ACL LOG. */
function deniedSinceReset(): Promise<string[]> {
  return aclRefusals(admin);
}

describe('Redis as an ACL user', () => {
  it('is documented with the very rule these tests use', () => {
    const doc = readFileSync(new URL('../../docs/production.md', import.meta.url), 'utf8');
    expect(doc).toContain(`ACL SETUSER outbox ${pipelineAclRule('outbox', 'PASSWORD').join(' ')}\n`);
  });

  it('runs the whole pipeline and every operator command with only the documented commands on its own keys', async () => {
    const test = await asAclUser((prefix) => pipelineAclRule(prefix, appPassword));
    const run = await runPipelineOnRedis({ start, test, events: 1500 });
    expectEveryEventDelivered(run, 'ACL user');
    // Nothing was refused but Bull Board's list of workers (CLIENT LIST shows every connection of
    // every user, so the rule leaves it out; the board shows no workers and nothing else changes).
    expect(new Set(await deniedSinceReset())).toEqual(new Set(['command:client|list']));
  });

  it('names the missing command when the user lacks one, delivers nothing meanwhile, and goes on once it is granted', async () => {
    // Both script commands: with EVAL allowed, ioredis runs each script's first call on a connection
    // as EVAL, so a job or two would still get through.
    const withoutScripts = neededCommands.filter((command) => command !== 'evalsha' && command !== 'eval');
    const test = await asAclUser((prefix) => pipelineAclRule(prefix, appPassword, withoutScripts));
    const committed = recordCommittedEvents(test.config.sqlite.path, test.config.outbox.table);
    const capture = start('capture-worker', test.env);
    const publisher = start('publisher-worker', test.env);
    const load = start('cli', test.env, ['load', '--events', '300', '--aggregates', '30']);
    expect(await load.exited).toBe(0);

    const refused = "NOPERM this user has no permissions to run the 'evalsha' command";
    await waitFor('the capture worker to report the refused command', () => capture.output().includes(refused));
    await waitFor('the publisher to report it', () => publisher.output().includes(refused));
    expect(await deniedSinceReset()).toContain('command:evalsha');
    expect(outboxDepth(test.config.sqlite.path)).toBe(300);

    // Granted while both run: they go on without a restart.
    await admin.call('ACL', 'SETUSER', 'app', '+eval', '+evalsha');
    await waitFor('the outbox to drain', () => outboxDepth(test.config.sqlite.path) === 0, { timeoutMs: 60_000 });
    const { report } = await auditDelivery({
      brokers: test.config.kafka.brokers,
      topic: test.topic,
      dlqTopic: test.dlqTopic,
      committed: committed().map((event) => event.eventId),
    });
    expect(report.lost).toEqual([]);
    expect(report.outOfOrder).toBe(0);
    expect(report.uniqueEvents).toBe(300);
  });
});
