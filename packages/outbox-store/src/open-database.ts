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
}

/** Opens (creating if needed) a SQLite file in WAL mode, so readers never block the writer. */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database {
  const db = new BetterSqlite3(path, { readonly: options.readonly ?? false });
  db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  if (!options.readonly) db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  db.pragma('foreign_keys = ON');
  return db;
}
