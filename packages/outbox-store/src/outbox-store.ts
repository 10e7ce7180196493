import { quoteIdentifier } from './identifiers.ts';
import { type Database, openDatabase } from './open-database.ts';
import type { OutboxKey, OutboxRow } from './outbox-row.ts';

export interface OutboxStats {
  /** Rows not yet acknowledged. */
  depth: number;
  oldestId: number | null;
  oldestOccurredAt: string | null;
}

/** The capture worker's queries on one outbox table; each statement is its own short transaction. */
export interface OutboxStore {
  readonly table: string;
  /** Rows with `id > afterId`, in id (= commit) order. */
  readAfter(afterId: number, limit: number): OutboxRow[];
  /**
   * Ids and aggregate ids only, of rows with `afterId < id <= upTo`, in id order: for scans that
   * run between capture rounds and must not read payloads.
   */
  readKeysAfter(afterId: number, upTo: number, limit: number): OutboxKey[];
  /** Deletes exactly these ids (never a range: other partitions' rows may sit in between). */
  deleteIds(ids: readonly number[]): number;
  /** Copies these rows into the dead-letter table before they are deleted. */
  keepDeadLetters(ids: readonly number[]): number;
  stats(): OutboxStats;
  /** The highest id ever handed out for the table, even if that row is gone (0 if none). */
  lastAssignedId(): number;
  /** A random id created with the outbox, naming this database file. */
  instanceId(): string;
  /**
   * Whether an operator paused the connector. Kept in SQLite, not only in Redis, so that a pause
   * survives Redis losing its data (DESIGN 3a).
   */
  connectorState(): ConnectorState;
  setConnectorState(state: ConnectorState): void;
}

export type ConnectorState = 'RUNNING' | 'PAUSED';

export function createOutboxStore(db: Database, table: string): OutboxStore {
  const t = quoteIdentifier(table);
  const readAfter = db.prepare<[number, number], OutboxRow>(
    `SELECT id, eventId, aggregateId, eventType, payload, occurredAt, traceparent
     FROM ${t} WHERE id > ? ORDER BY id LIMIT ?`,
  );
  const readKeysAfter = db.prepare<[number, number, number], OutboxKey>(
    `SELECT id, aggregateId FROM ${t} WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`,
  );
  // One statement with a JSON array: no limit on bound parameters and one plan for any batch size.
  const deleteIds = db.prepare<[string]>(`DELETE FROM ${t} WHERE id IN (SELECT value FROM json_each(?))`);
  const stats = db.prepare<[], OutboxStats>(
    `SELECT count(*) AS depth, min(id) AS oldestId,
            (SELECT occurredAt FROM ${t} ORDER BY id LIMIT 1) AS oldestOccurredAt FROM ${t}`,
  );
  const keep = db.prepare<[string, string]>(
    `INSERT OR IGNORE INTO ${quoteIdentifier(`${table}_dead_letters`)}
       (id, eventId, aggregateId, eventType, payload, occurredAt, traceparent, deadLetteredAt)
     SELECT id, eventId, aggregateId, eventType, payload, occurredAt, traceparent, ?
     FROM ${t} WHERE id IN (SELECT value FROM json_each(?))`,
  );
  const lastAssigned = db.prepare<[string], { seq: number }>('SELECT seq FROM sqlite_sequence WHERE name = ?');
  const instance = db.prepare<[], { value: string }>("SELECT value FROM outbox_meta WHERE key = 'instanceId'");
  const state = db.prepare<[], { value: string }>("SELECT value FROM outbox_meta WHERE key = 'connectorState'");
  const setState = db.prepare<[string]>(
    "INSERT INTO outbox_meta (key, value) VALUES ('connectorState', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );

  return {
    table,
    readAfter: (afterId, limit) => readAfter.all(afterId, limit),
    readKeysAfter: (afterId, upTo, limit) => readKeysAfter.all(afterId, upTo, limit),
    deleteIds: (ids) => (ids.length === 0 ? 0 : deleteIds.run(JSON.stringify(ids)).changes),
    keepDeadLetters: (ids) => (ids.length === 0 ? 0 : keep.run(new Date().toISOString(), JSON.stringify(ids)).changes),
    stats: () => stats.get() ?? { depth: 0, oldestId: null, oldestOccurredAt: null },
    lastAssignedId: () => lastAssigned.get(table)?.seq ?? 0,
    instanceId: () => {
      const row = instance.get();
      if (!row) throw new Error('outbox_meta has no instanceId: run migrateOutbox first');
      return row.value;
    },
    connectorState: () => (state.get()?.value === 'PAUSED' ? 'PAUSED' : 'RUNNING'),
    setConnectorState: (value) => void setState.run(value),
  };
}

/** Rows still in an outbox, read through a short-lived read-only connection of its own. */
export function readOutboxDepth(dbPath: string, table: string): number {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    return createOutboxStore(db, table).stats().depth;
  } finally {
    db.close();
  }
}
