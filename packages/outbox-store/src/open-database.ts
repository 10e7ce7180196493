import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { EnvironmentError } from '@outbox/errors';
import BetterSqlite3 from 'better-sqlite3';

export type Database = BetterSqlite3.Database;

export interface OpenDatabaseOptions {
  /**
   * FULL makes every commit durable before it returns. NORMAL is faster in WAL mode, but a power
   * loss can drop a commit whose event was already published.
   * @defaultValue 'FULL'
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a writer waits for another writer's lock before SQLITE_BUSY. @defaultValue 5000 */
  busyTimeoutMs?: number;
  readonly?: boolean;
  /**
   * Refuse to create the file. A process that works on an existing outbox (the capture worker, the
   * load generator) would otherwise start on a new, empty database when its path is mistyped,
   * and wait there for events that never come. @defaultValue false: created when missing
   */
  mustExist?: boolean;
}

/** SQLite's answers that describe the file or the disk, not a bug or a passing lock. */
const environmentCodes = /^SQLITE_(CANTOPEN|READONLY|FULL|NOTADB|IOERR|PERM)/;

/**
 * Opens (creating if needed, unless `mustExist`) a SQLite file in WAL mode, so readers never block
 * the writer. A file that is missing, unreachable, read-only or on a full disk is an
 * {@link EnvironmentError} naming the path and what is wrong with it.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database {
  if (options.mustExist && !existsSync(path)) {
    throw new EnvironmentError(
      `the database ${path} does not exist (OUTBOX_SQLITE_PATH); check the path, or start the writer to create it`,
      { code: 'DATABASE_MISSING' },
    );
  }
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(path, { readonly: options.readonly ?? false, fileMustExist: options.mustExist ?? false });
    db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db?.close();
    const code = (error as { code?: unknown }).code;
    const missingDirectory = !existsSync(dirname(path));
    if (!missingDirectory && !(typeof code === 'string' && environmentCodes.test(code))) throw error;
    throw new EnvironmentError(`cannot open the database ${path}: ${whatIsWrong(path, error as Error)}`, {
      code: 'DATABASE_UNAVAILABLE',
      cause: error,
    });
  }
}

/** SQLite says "unable to open database file" for most of these; the file system says which. */
function whatIsWrong(path: string, error: Error): string {
  const dir = dirname(path);
  try {
    if (!statSync(dir).isDirectory()) return `${dir} is not a directory`;
    accessSync(dir, constants.W_OK);
  } catch (problem) {
    const code = (problem as { code?: string }).code;
    if (code === 'ENOENT') return `its directory ${dir} does not exist`;
    if (code === 'ENOTDIR') return `a part of ${dir} is not a directory`;
    if (code === 'EROFS') return `it is on a read-only file system (${error.message})`;
    if (code === 'EACCES') return `its directory ${dir} is not writable (${error.message})`;
  }
  return error.message;
}
