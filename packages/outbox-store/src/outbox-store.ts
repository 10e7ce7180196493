import type { OutboxKey, OutboxRow } from '@outbox/contracts';
import { columnBytesReader } from './column-bytes.ts';
import { quoteIdentifier } from './identifiers.ts';
import { normalizeOutboxKey, normalizeOutboxRow, type RawOutboxRow, type RowDefaults } from './normalize-row.ts';
import { type Database, openDatabase } from './open-database.ts';
import { type OutboxMeta, outboxMeta } from './outbox-meta.ts';
import { type OutboxTable, toOutboxTable } from './outbox-table.ts';
import { tableSql } from './table-columns.ts';

/** A table name as an SQL string literal (names are plain identifiers: see quoteIdentifier). */
const sqlString = (name: string) => `'${quoteIdentifier(name).slice(1, -1)}'`;

export type { ConnectorState } from './outbox-meta.ts';

/** An acknowledgement of one event: the row it names, and the event the publisher sent from it. */
export interface AckedEvent {
  id: number;
  /** Absent in acknowledgements from publishers that did not send it: the id alone then decides. */
  eventId?: string;
}

export interface OutboxStats {
  /** Rows not yet acknowledged. */
  depth: number;
  oldestId: number | null;
  oldestOccurredAt: string | null;
}

/** The capture worker's queries on one outbox table; each statement is its own short transaction. */
export interface OutboxStore extends OutboxMeta {
  readonly table: string;
  /**
   * Rows with `id > afterId`, in id (= commit) order: at most `limit`, and no more once their
   * payloads reach `maxBytes` (the row that reaches it included, so a read always makes progress).
   */
  readAfter(afterId: number, limit: number, maxBytes?: number): OutboxRow[];
  /**
   * Ids and aggregate ids only, of rows with `afterId < id <= upTo`, in id order: for scans that
   * run between capture rounds and must not read payloads.
   */
  readKeysAfter(afterId: number, upTo: number, limit: number): OutboxKey[];
  /** These rows, those still there, in id order. */
  readIds(ids: readonly number[]): OutboxRow[];
  /** Deletes exactly these ids (never a range: other partitions' rows may sit in between). */
  deleteIds(ids: readonly number[]): number;
  /**
   * Deletes the rows of acknowledged events, in one transaction, and returns their ids. A row whose
   * id was acknowledged but that now holds another event (an id re-used by an explicit insert or a
   * database restored from an older copy) is kept: that event was never sent. `keepIds` are copied
   * into the dead-letter table first.
   */
  deleteAcknowledged(acked: readonly AckedEvent[], keepIds: readonly number[]): number[];
  /** Copies these rows into the dead-letter table before they are deleted. */
  keepDeadLetters(ids: readonly number[]): number;
  stats(): OutboxStats;
  /**
   * The highest id ever handed out for the table, even if that row is gone (0 if none) — or, in a
   * table that {@link reusesIds}, the highest id in it now.
   */
  lastAssignedId(): number;
  /**
   * True for a table without AUTOINCREMENT (Debezium's shape, say): SQLite then hands a new row the
   * highest id in the table + 1, so the ids of the newest rows come again once they are deleted.
   */
  readonly reusesIds: boolean;
}

export function createOutboxStore(db: Database, table: string | OutboxTable): OutboxStore {
  const shape = toOutboxTable(table);
  const sql = tableSql(db, shape);
  const { table: t, select } = sql;
  const defaults: RowDefaults = {
    aggregateType: shape.aggregateType,
    routed: shape.aggregateTypeColumn !== undefined,
    headerColumns: shape.headerColumns,
  };
  const keyColumns = `rowid AS id, ${quoteIdentifier(shape.columns.eventId)} AS eventId, ${quoteIdentifier(shape.columns.aggregateId)} AS aggregateId`;
  const readAfter = db.prepare<[number, number], RawOutboxRow>(
    `SELECT ${select} FROM ${t} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
  );
  const readKeysAfter = db.prepare<[number, number, number], RawOutboxRow>(
    `SELECT ${keyColumns} FROM ${t} WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?`,
  );
  const readIds = db.prepare<[string], RawOutboxRow>(
    `SELECT ${select} FROM ${t} WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY rowid`,
  );
  const readKeys = db.prepare<[string], RawOutboxRow>(
    `SELECT ${keyColumns} FROM ${t} WHERE rowid IN (SELECT value FROM json_each(?))`,
  );
  const readBytes = columnBytesReader(db, shape.name, sql.columnOf);
  const normalize = (raw: RawOutboxRow) => normalizeOutboxRow(raw, readBytes, defaults);
  // One statement with a JSON array: no limit on bound parameters and one plan for any batch size.
  const deleteIds = db.prepare<[string]>(`DELETE FROM ${t} WHERE rowid IN (SELECT value FROM json_each(?))`);
  const stats = db.prepare<[], OutboxStats>(
    `SELECT count(*) AS depth, min(rowid) AS oldestId,
            (SELECT occurredAt FROM (SELECT ${select} FROM ${t} ORDER BY rowid LIMIT 1)) AS oldestOccurredAt FROM ${t}`,
  );
  // Rows that may be invalid (a NULL where the dead-letter table wants text) are kept all the same.
  const keep = db.prepare<[string, string]>(
    `INSERT OR IGNORE INTO ${quoteIdentifier(`${shape.name}_dead_letters`)}
       (id, eventId, aggregateId, eventType, payload, occurredAt, traceparent, aggregateType, deadLetteredAt)
     SELECT id, ifnull(eventId, ''), ifnull(aggregateId, ''), ifnull(eventType, ''), ifnull(payload, ''),
            ifnull(occurredAt, ''), traceparent, aggregateType, ?
     FROM (SELECT ${select} FROM ${t} WHERE rowid IN (SELECT value FROM json_each(?)))`,
  );
  const lastAssigned = sql.reusesIds
    ? db.prepare<[], { seq: number | null }>(`SELECT max(rowid) AS seq FROM ${t}`)
    : db.prepare<[], { seq: number | null }>(`SELECT seq FROM sqlite_sequence WHERE name = ${sqlString(shape.name)}`);

  const deleteIdList = (ids: readonly number[]) => (ids.length === 0 ? 0 : deleteIds.run(JSON.stringify(ids)).changes);
  const keepDeadLetters = (ids: readonly number[]) =>
    ids.length === 0 ? 0 : keep.run(new Date().toISOString(), JSON.stringify(ids)).changes;
  const deleteAcknowledged = db.transaction((acked: readonly AckedEvent[], keepIds: readonly number[]) => {
    const current = new Map<number, string>();
    for (const raw of readKeys.all(JSON.stringify(acked.map((a) => a.id)))) {
      current.set(raw.id, normalizeOutboxKey(raw, readBytes).eventId);
    }
    const ids = acked
      .filter((a) => current.has(a.id) && (a.eventId === undefined || current.get(a.id) === a.eventId))
      .map((a) => a.id);
    const deleting = new Set(ids);
    keepDeadLetters(keepIds.filter((id) => deleting.has(id)));
    deleteIdList(ids);
    return ids;
  });

  return {
    table: shape.name,
    reusesIds: sql.reusesIds,
    readAfter: (afterId, limit, maxBytes = Number.POSITIVE_INFINITY) => {
      const rows: OutboxRow[] = [];
      let bytes = 0;
      for (const raw of readAfter.iterate(afterId, limit)) {
        const row = normalize(raw);
        rows.push(row);
        bytes += row.payload.length;
        if (bytes >= maxBytes) break;
      }
      return rows;
    },
    readKeysAfter: (afterId, upTo, limit) =>
      readKeysAfter.all(afterId, upTo, limit).map((raw) => normalizeOutboxKey(raw, readBytes)),
    readIds: (ids) => (ids.length === 0 ? [] : readIds.all(JSON.stringify(ids)).map(normalize)),
    deleteIds: deleteIdList,
    // IMMEDIATE: a read that later wants to write fails at once with SQLITE_BUSY when a writer
    // committed in between; taking the write lock first makes it wait in busy_timeout instead.
    deleteAcknowledged: (acked, keepIds) => (acked.length === 0 ? [] : deleteAcknowledged.immediate(acked, keepIds)),
    keepDeadLetters,
    stats: () => stats.get() ?? { depth: 0, oldestId: null, oldestOccurredAt: null },
    lastAssignedId: () => lastAssigned.get()?.seq ?? 0,
    ...outboxMeta(db, shape.name),
  };
}

/** Rows still in an outbox, read through a short-lived read-only connection of its own. */
export function readOutboxDepth(dbPath: string, table: string | OutboxTable): number {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    return createOutboxStore(db, table).stats().depth;
  } finally {
    db.close();
  }
}
