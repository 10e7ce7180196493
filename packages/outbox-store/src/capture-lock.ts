import { OutboxError } from '@outbox/errors';
import BetterSqlite3 from 'better-sqlite3';

export interface CaptureLock {
  release(): void;
}

/**
 * Only one capture worker may tail a database: two would enqueue the same rows twice and race on
 * the cursor. The lock is an exclusive SQLite lock on a file beside the database, held for the
 * life of the process; the kernel drops it when the process dies, even by SIGKILL, so a crash
 * never leaves a stale lock. Same host only, like the database file itself.
 */
export function acquireCaptureLock(dbPath: string): CaptureLock {
  const path = `${dbPath}-capture.lock`;
  const db = new BetterSqlite3(path);
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    throw new OutboxError(`another capture worker is already running for ${dbPath} (it holds ${path})`, {
      code: 'CAPTURE_LOCKED',
      cause: error,
    });
  }
  return {
    release: () => {
      if (!db.open) return;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}
