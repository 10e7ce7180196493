import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '@outbox/outbox-store';
import { outboxDepth, recordCommittedEvents, testEnvironment, useApps, waitFor } from '@outbox/testkit';
import { readIdsFile } from '@outbox/verifier';
import { describe, expect, it } from 'vitest';

const start = useApps();

describe('outbox verify', () => {
  it('reports an event as lost when a delivered event had the same outbox id', async () => {
    const { env, config, dir } = testEnvironment({ LOG_LEVEL: 'warn' });
    const idsFile = join(dir, 'ids.txt');
    const capture = start('capture-worker', { ...env, LOG_LEVEL: 'info' });
    await waitFor('the capture worker to start', () => capture.output().includes('capture worker started'));
    const committed = recordCommittedEvents(config.sqlite.path, config.outbox.table);
    start('publisher-worker', env);
    const load = start('cli', env, ['load', '--events', '10', '--aggregates', '2', '--ids-file', idsFile]);
    expect(await load.exited).toBe(0);
    await waitFor('the outbox to drain', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 60_000 });
    expect(readIdsFile(idsFile)).toEqual(committed().map((event) => event.eventId));

    // An app inserts an explicit outbox id, 3, delivered and deleted long ago, and records it as
    // committed; the event never reaches Kafka. (A running capture worker would send it at its next
    // sweep for rows its cursors passed, up to 10 s later: stopped first, so that verify never races it.)
    expect(await capture.stop('SIGTERM')).toBe(0);
    const db = openDatabase(config.sqlite.path);
    db.prepare(
      `INSERT INTO users_outbox (id, eventId, aggregateId, eventType, payload, occurredAt)
       VALUES (3, 'reused-outbox-id-3', '1', 'UserRenamed', '{}', '2026-01-01T00:00:00.000Z')`,
    ).run();
    db.close();
    appendFileSync(idsFile, 'reused-outbox-id-3\n');

    const verify = start('cli', env, ['verify', '--ids-file', idsFile]);
    expect(await verify.exited).toBe(1);
    expect(verify.output()).toContain('lost:             1 (reused-outbox-id-3)');
    expect(verify.output()).toContain('FAILED: events were lost or out of order');
  });

  it('fails, naming it, when a topic to read does not exist', async () => {
    const { env, topic } = testEnvironment({ LOG_LEVEL: 'warn' });
    const missing = `${topic}.nope`;
    const verify = start('cli', env, ['verify', '--topic', missing]);
    expect(await verify.exited).toBe(1);
    expect(verify.output()).toContain(`verify: Kafka topic ${missing} does not exist`);
    expect(verify.output()).not.toContain('OK: nothing lost');
  });

  it('rejects an unknown --isolation before reading anything, naming the choices', async () => {
    const { env } = testEnvironment({ LOG_LEVEL: 'warn' }, { database: false });
    const verify = start('cli', env, ['verify', '--isolation', 'read_commited']);
    // Commander's exit code for a bad argument, as for `load --events -5`.
    expect(await verify.exited).toBe(1);
    expect(verify.output()).toContain(
      "option '--isolation <level>' argument 'read_commited' is invalid. Allowed choices are read_committed, read_uncommitted.",
    );
    expect(verify.output()).not.toContain('records read:');
  });
});
