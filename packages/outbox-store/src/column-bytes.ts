import type BetterSqlite3 from 'better-sqlite3';
import { quoteIdentifier } from './identifiers.ts';
import type { ReadBytes } from './normalize-row.ts';

/**
 * Reads one column of one row as the bytes SQLite holds, for the rare text better-sqlite3 could not
 * decode cleanly (see normalize-row.ts). One prepared statement per column, made when first needed.
 */
export function columnBytesReader(
  db: BetterSqlite3.Database,
  table: string,
  columnOf: (name: string) => string | undefined,
): ReadBytes {
  const statements = new Map<string, BetterSqlite3.Statement<[number], { bytes: Buffer | null }>>();
  return (column, id) => {
    const actual = column === 'id' ? 'rowid' : columnOf(column);
    if (actual === undefined) return null;
    let statement = statements.get(actual);
    if (!statement) {
      const name = actual === 'rowid' ? actual : quoteIdentifier(actual);
      statement = db.prepare(`SELECT CAST(${name} AS BLOB) AS bytes FROM ${quoteIdentifier(table)} WHERE rowid = ?`);
      statements.set(actual, statement);
    }
    return statement.get(id)?.bytes ?? null;
  };
}
