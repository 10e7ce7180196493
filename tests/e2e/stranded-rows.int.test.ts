import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@outbox/logger';
import { openDatabase } from '@outbox/outbox-store';
import { auditDelivery, outboxDepth, readTopic, testEnvironment, useApps, waitFor } from '@outbox/testkit';
import { createWriterService } from '@outbox/writer';
import { describe, expect, it } from 'vitest';
import { committedPositionsOf } from '../support/committed-positions.ts';

const start = useApps();

const quiet = createLogger({ level: 'warn', format: 'json' });
type WriterService = Awaited<ReturnType<typeof createWriterService>>;

/** Writes `count` renames spread over the given users; returns their event ids in commit order. */
function rename(writer: WriterService, userIds: readonly number[], count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const change = writer.users.rename(userIds[i % userIds.length] ?? 0, `name ${i}`);
    if (!change) throw new Error('no such user');
    return change.eventId;
  });
}

describe('rows the capture cursors passed are still delivered', () => {
  it('a database restored from an older backup: the re-used ids and the rows it brings back reach Kafka', async () => {
    const { env, config, topic, dlqTopic, dir } = testEnvironment();
    const path = config.sqlite.path;
    let writer = await createWriterService({ config, logger: quiet });
    const committed: string[] = [];
    try {
      const userIds = Array.from({ length: 10 }, (_, i) => {
        const { user, eventId } = writer.users.create(`user ${i}`);
        committed.push(eventId);
        return user.id;
      });
      committed.push(...rename(writer, userIds, 90));
      let capture = start('capture-worker', env);
      start('publisher-worker', env);
      await waitFor('the first 100 to drain', () => outboxDepth(path) === 0, { timeoutMs: 60_000 });

      const backup = join(dir, 'backup.sqlite');
      const db = openDatabase(path);
      await db.backup(backup);
      db.close();
      committed.push(...rename(writer, userIds, 100));
      await waitFor('the next 100 to drain', () => outboxDepth(path) === 0, { timeoutMs: 60_000 });

      expect(await capture.stop('SIGTERM')).toBe(0);
      await writer.close();
      for (const suffix of ['-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
      copyFileSync(backup, path);
      writer = await createWriterService({ config, logger: quiet });
      // Outbox ids 101–200 again, which the cursors in Redis have passed: half before the capture
      // worker starts (the sequence it finds is behind its cursors), half after.
      const reused = rename(writer, userIds, 50);
      capture = start('capture-worker', env);
      await waitFor('the capture worker to notice the restore', () =>
        capture.output().includes("the outbox's id sequence (150) is behind the capture cursors (200)"),
      );
      reused.push(...rename(writer, userIds, 50));
      committed.push(...reused);

      await waitFor('the events written after the restore to drain', () => outboxDepth(path) === 0, { timeoutMs: 60_000 });
      const { report, events } = await auditDelivery({ brokers: config.kafka.brokers, topic, dlqTopic, committed });
      expect(report.lost).toEqual([]);
      expect(report.outOfOrder).toBe(0);
      expect(report.uniqueEvents).toBe(300);
      const outboxIds = events.filter((e) => reused.includes(e.headers.id ?? '')).map((e) => Number(e.headers.outboxId));
      expect(Math.min(...outboxIds)).toBe(101);
    } finally {
      await writer.close();
    }
  });

  // With exactly-once delivery the rows found below the cursors go in a job that moves no position:
  // its commit records an id made from its events (docs/architecture.md, "Exactly-once delivery").
  it.each(['at-least-once', 'exactly-once'])(
    'rows inserted with explicit ids below the cursors, one re-using a delivered id, are found and delivered (%s)',
    async (delivery) => {
      const { env, config, topic, dlqTopic } = testEnvironment({ OUTBOX_DELIVERY: delivery });
      const writer = await createWriterService({ config, logger: quiet });
      try {
        const { user, eventId } = writer.users.create('Alice');
        const committed = [eventId, ...rename(writer, [user.id], 49)];
        const capture = start('capture-worker', env);
        start('publisher-worker', env);
        await waitFor('the outbox to drain', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 60_000 });

        // Another app inserts explicit ids: 3 was delivered and deleted already, 1000 is above everything.
        const db = openDatabase(config.sqlite.path);
        const insert = db.prepare(
          "INSERT INTO users_outbox (id, eventId, aggregateId, eventType, payload, occurredAt) VALUES (?, ?, ?, 'UserRenamed', '{}', 'now')",
        );
        insert.run(1000, 'explicit-1000', String(user.id));
        await waitFor('the row above the cursors to drain', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 30_000 });
        insert.run(3, 'explicit-3', String(user.id));
        insert.run(7, 'explicit-7', 'someone-else');
        db.close();
        committed.push('explicit-1000', 'explicit-3', 'explicit-7');

        await waitFor('the rows below the cursors to drain', () => outboxDepth(config.sqlite.path) === 0, { timeoutMs: 40_000 });
        expect(capture.output()).toContain(
          "2 rows at or below their partition's capture cursor were never enqueued (outbox ids 3, 7)",
        );
        const { report } = await auditDelivery({ brokers: config.kafka.brokers, topic, dlqTopic, committed });
        expect(report.lost).toEqual([]);
        expect(report.uniqueEvents).toBe(53);
        expect(report.outOfOrder).toBe(0);
        expect(report.duplicates).toBe(0);
        // Event 3 holds an id the topic already has for another event: both are there.
        const withId3 = (await readTopic(config.kafka.brokers, topic)).filter((e) => e.headers.outboxId === '3');
        expect(withId3.map((e) => e.headers.id)).toEqual([committed[2], 'explicit-3']);
        if (delivery === 'exactly-once') {
          // The last commit of the partitions of 3 and 7 was their job's, under its events' commit id.
          const positions = await committedPositionsOf(config);
          const eventsCommits = [...positions.values()].filter((p) => p.commitId?.startsWith('events-'));
          expect(eventsCommits.length).toBeGreaterThan(0);
        }
      } finally {
        await writer.close();
      }
    },
  );
});
