import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { migrateOutbox, openDatabase } from '@outbox/outbox-store';
import { outboxDepth, readTopic, testEnvironment, useApps, waitFor } from '@outbox/testkit';
import { readIdsFile, toVerifiedEvents, verifyEvents } from '@outbox/verifier';
import { describe, expect, it } from 'vitest';

const start = useApps();

describe('a busy database', () => {
  it('delays the deletes of acknowledged rows but never strands them', async () => {
    // A short busy timeout, so that another writer holding the lock makes the capture worker's
    // deletes fail with SQLITE_BUSY while acknowledgements keep arriving.
    const { env, config, topic, dir } = testEnvironment({ OUTBOX_SQLITE_BUSY_TIMEOUT_MS: '100', LOG_LEVEL: 'warn' });
    const idsFile = join(dir, 'ids.txt');
    const db = openDatabase(config.sqlite.path);
    migrateOutbox(db, config.outbox.table);
    const capture = start('capture-worker', { ...env, LOG_LEVEL: 'info' });
    start('publisher-worker', env);
    // Started (migrations done) before anything else writes, so only the deletes meet the lock.
    await waitFor('the capture worker to start', () => capture.output().includes('capture worker started'));
    // The load waits for the lock as writers normally do.
    const load = start('cli', { ...env, OUTBOX_SQLITE_BUSY_TIMEOUT_MS: '5000' }, [
      'load',
      '--events',
      '2000',
      '--aggregates',
      '50',
      '--rate',
      '1000',
      '--ids-file',
      idsFile,
    ]);

    // The lock is held while acknowledgements flow: once the load is under way, not after a fixed
    // delay, which a slow process start can outlast.
    const committed = db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'users_outbox'");
    await waitFor('the load to be under way', () => (committed.get()?.seq ?? 0) >= 300, { timeoutMs: 30_000 });
    for (let i = 0; i < 3; i++) {
      db.exec('BEGIN IMMEDIATE');
      await sleep(800);
      db.exec('COMMIT');
      await sleep(200);
    }
    db.close();
    expect(await load.exited).toBe(0);

    await waitFor('every acknowledged row to be deleted', () => outboxDepth(config.sqlite.path) === 0, {
      timeoutMs: 60_000,
    }).catch((error: unknown) => {
      console.log(`depth ${outboxDepth(config.sqlite.path)}\n${capture.output().split('\n').slice(-12).join('\n')}`);
      throw error;
    });
    // The fault did happen: deletes failed while the lock was held, and were applied later.
    expect(capture.output()).toMatch(/capture ack loop failed; retrying.*|database is locked/);
    const report = verifyEvents({
      events: toVerifiedEvents(await readTopic(config.kafka.brokers, topic)),
      committed: readIdsFile(idsFile),
    });
    expect(report).toMatchObject({ lost: [], outOfOrder: 0, uniqueEvents: 2000 });
  });
});
