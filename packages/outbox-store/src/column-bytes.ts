import type BetterSqlite3 from 'better-sqlite3';
import { quoteIdentifier } from './identifiers.ts';
import type { ReadBytes } from './normalize-row.ts';

/**
 * Reads one column of one row as the bytes SQLite holds, for the rare text better-sqlite3 could not
 * decode cleanly (see normalize-row.ts). One prepared statement per column, made when first needed.
 */
export function columnBytesReader(db: BetterSqlite3.Database, table: string): ReadBytes {
  const statements = new Map<string, BetterSqlite3.Statement<[number], { bytes: Buffer | null }>>();
  return (column, id) => {
    let statement = statements.get(column);
    if (!statement) {
      statement = db.prepare(
        `SELECT CAST(${quoteIdentifier(column)} AS BLOB) AS bytes FROM ${quoteIdentifier(table)} WHERE id = ?`,
      );
      statements.set(column, statement);
    }
    return statement.get(id)?.bytes ?? null;
  };
}
