import { OutboxError } from '@outbox/errors';
import { quoteIdentifier } from './identifiers.ts';
import type { Database } from './open-database.ts';
import type { OutboxColumns, OutboxTable } from './outbox-table.ts';

/** The SQL that reads an outbox table of any shape as this project's columns, and what the table is like. */
export interface TableSql {
  /** The quoted table name. */
  table: string;
  /**
   * The select list: `id` (the rowid), `eventId`, `aggregateId`, `eventType`, `payload`,
   * `occurredAt`, `traceparent`, `aggregateType` and one `h<i>` per header column.
   */
  select: string;
  /** The actual column of one of this project's names, for reading its bytes. */
  columnOf(name: string): string | undefined;
  /**
   * Whether SQLite may hand out an id again: without AUTOINCREMENT a new row takes the highest
   * id in the table + 1, so once the newest rows are deleted their ids come again.
   */
  reusesIds: boolean;
}

const required = ['eventId', 'aggregateId', 'eventType', 'payload'] as const;
const settingOf: Record<(typeof required)[number] | 'aggregateType', string> = {
  eventId: 'OUTBOX_FIELD_EVENT_ID',
  aggregateId: 'OUTBOX_FIELD_EVENT_KEY',
  eventType: 'OUTBOX_FIELD_EVENT_TYPE',
  payload: 'OUTBOX_FIELD_EVENT_PAYLOAD',
  aggregateType: 'OUTBOX_ROUTE_BY_FIELD',
};

/**
 * Reads the table's definition once and builds its select list. Every required column must be
 * there (all missing ones are named at once, with the setting that names each); the optional
 * ones (`occurredAt`, `traceparent`) are read when the table has them. Ids are the rowid, which is
 * the `id INTEGER PRIMARY KEY` of this project's own tables, so any table with a rowid works.
 */
export function tableSql(db: Database, shape: OutboxTable): TableSql {
  const table = quoteIdentifier(shape.name);
  const definition = db
    .prepare<[string], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?")
    .get(shape.name);
  if (!definition) throw new OutboxError(`the outbox table ${shape.name} does not exist`, { code: 'OUTBOX_TABLE_MISSING' });
  if (/WITHOUT\s+ROWID/i.test(definition.sql)) {
    throw new OutboxError(`the outbox table ${shape.name} is WITHOUT ROWID: capture follows the rowid, which it lacks`, {
      code: 'OUTBOX_TABLE_SHAPE',
    });
  }
  const present = new Set(
    db
      .prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)')
      .all(shape.name)
      .map((c) => c.name.toLowerCase()),
  );
  const has = (column: string) => present.has(column.toLowerCase());
  const wanted = [
    ...required.map((name) => [name, shape.columns[name]] as const),
    ...(shape.aggregateTypeColumn ? [['aggregateType', shape.aggregateTypeColumn] as const] : []),
  ];
  const missing = wanted.filter(([, column]) => !has(column));
  if (missing.length > 0) {
    const list = missing.map(([name, column]) => `${column} (the ${name}, set by ${settingOf[name]})`).join(', ');
    throw new OutboxError(`the outbox table ${shape.name} has no column ${list}`, { code: 'OUTBOX_TABLE_SHAPE' });
  }
  const q = quoteIdentifier;
  const c = shape.columns;
  const occurredAt = has(c.occurredAt) ? q(c.occurredAt) : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
  const traceparent = has(c.traceparent) ? q(c.traceparent) : 'NULL';
  const aggregateType = shape.aggregateTypeColumn ? q(shape.aggregateTypeColumn) : 'NULL';
  const headers = shape.headerColumns.map((h, i) => `${has(h.column) ? q(h.column) : 'NULL'} AS h${i}`);
  const select = [
    'rowid AS id',
    ...required.map((name) => `${q(c[name])} AS ${name}`),
    `${occurredAt} AS occurredAt`,
    `${traceparent} AS traceparent`,
    `${aggregateType} AS aggregateType`,
    ...headers,
  ].join(', ');
  return {
    table,
    select,
    columnOf: (name) => {
      if (name === 'aggregateType') return shape.aggregateTypeColumn;
      const column = c[name as keyof OutboxColumns] as string | undefined;
      return column !== undefined && has(column) ? column : undefined;
    },
    reusesIds: !/AUTOINCREMENT/i.test(definition.sql),
  };
}
