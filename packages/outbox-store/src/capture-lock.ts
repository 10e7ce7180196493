import { closeSync, openSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
 *
 * The lock follows the database file, not the path it was named by: the lock file sits in the
 * directory of the real file (symlinks and `..` resolved) and is named after the file's device and
 * inode, so a symlink, a `dir/../db.sqlite` path or a hard link in the same directory finds the
 * same lock. A hard link in another directory would not, so a database file with more than one
 * name is refused outright — SQLite finds its WAL by name too, so two names are unsafe anyway.
 */
export function acquireCaptureLock(dbPath: string): CaptureLock {
  const { real, dev, ino } = identify(dbPath);
  // Named after the inode, not the file name: a hard link has a name of its own.
  const path = join(dirname(real), `.outbox-capture-${dev}-${ino}.lock`);
  const db = new BetterSqlite3(path);
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') {
      throw new OutboxError(`cannot take the capture lock ${path}: ${(error as Error).message}`, {
        code: 'CAPTURE_LOCK_FAILED',
        cause: error,
      });
    }
    const named = real === dbPath ? dbPath : `${dbPath} (${real})`;
    throw new OutboxError(`another capture worker is already running for ${named} (it holds ${path})`, {
      code: 'CAPTURE_LOCKED',
      cause: error,
    });
  }
  const release = () => {
    if (!db.open) return;
    db.exec('ROLLBACK');
    db.close();
  };
  // Checked with the lock held: a link made after this check cannot start a second worker, since
  // that worker's own check sees two names.
  const links = statSync(real).nlink;
  if (links > 1) {
    release();
    throw new OutboxError(
      `${dbPath} has ${links} hard links: a capture worker started through another of its names would ` +
        `not see this one's lock (and SQLite would use another WAL file). Remove the extra links first.`,
      { code: 'CAPTURE_HARD_LINKED' },
    );
  }
  return { release };
}

/** The database file itself: created if missing (an empty file is an empty SQLite database), so it has an inode. */
function identify(dbPath: string): { real: string; dev: number; ino: number } {
  closeSync(openSync(dbPath, 'a'));
  const real = realpathSync(dbPath);
  const { dev, ino } = statSync(real);
  return { real, dev, ino };
}
