import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase } from '@outbox/outbox-store';
import { outboxDepth } from '@outbox/testkit';
import { expect } from 'vitest';
import type { ChaosRun, ChaosScenario } from '../harness/chaos-scenario.ts';

/**
 * The database restored from a backup taken earlier in the load. The application and the capture
 * worker are stopped, the outbox drained first (events committed after the backup and not yet
 * delivered would be lost by any restore), the file restored through SQLite's backup API, and both
 * started again: the new events re-use outbox ids the capture cursors have passed, and the rows the
 * backup holds that were delivered since come back.
 */
export function databaseRestore(): ChaosScenario {
  return {
    fault: 'database restored from an older backup',
    inject: async (run) => {
      const [backupAt = 0.3, restoreAt = 0.6] = run.randomMoments(2);
      const backup = join(run.config.sqlite.path, '..', 'backup.sqlite');
      await run.untilWritten(backupAt);
      await withDatabase(run.config.sqlite.path, (db) => db.backup(backup));
      run.log(`backup taken with ${run.committed()} events written`);

      await run.untilWritten(Math.max(restoreAt, backupAt + 0.1));
      await run.fleet.kill(run.writer());
      const written = run.committed();
      while (outboxDepth(run.config.sqlite.path, run.config.outbox.table) > 0) await sleep(50);
      await run.fleet.stopCapture();
      await restore(run, backup);
      run.log(`restored the backup with ${written} events written and delivered`);
      run.fleet.startCapture();
      run.startWriter(Math.max(1, run.size.events - written));
      return Date.now();
    },
    check: ({ fleetOutput }) => {
      expect(fleetOutput('capture')).toMatch(/id sequence \(\d+\) is behind the capture cursors|were never enqueued/);
    },
  };
}

async function withDatabase<T>(path: string, use: (db: ReturnType<typeof openDatabase>) => T | Promise<T>): Promise<T> {
  const db = openDatabase(path);
  try {
    return await use(db);
  } finally {
    db.close();
  }
}

/**
 * Copies the backup over the live database through SQLite, so connections still open on it (the
 * harness's audit readers) see the restored file. The audit of committed events is the test's own
 * record, not the application's: what the restore took out of it is put back, in commit order.
 */
async function restore(run: ChaosRun, backup: string): Promise<void> {
  const path = run.config.sqlite.path;
  const audit = await withDatabase(path, (db) => db.prepare('SELECT rowid AS n, * FROM test_committed ORDER BY rowid').all());
  await withDatabase(backup, (db) => db.backup(path));
  await withDatabase(path, (db) => {
    const kept = (db.prepare('SELECT max(rowid) AS n FROM test_committed').get() as { n: number | null }).n ?? 0;
    const columns = Object.keys(audit[0] ?? {}).filter((name) => name !== 'n');
    const insert = db.prepare(
      `INSERT INTO test_committed (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
    );
    for (const { n, ...row } of audit as { n: number }[]) if (n > kept) insert.run(row);
  });
}
