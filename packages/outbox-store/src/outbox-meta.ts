import type { Database } from './open-database.ts';

export type ConnectorState = 'RUNNING' | 'PAUSED';

/** The database's own facts in `outbox_meta`: which file this is, and whether an operator paused it. */
export interface OutboxMeta {
  /** A random id created with the outbox, naming this database file. */
  instanceId(): string;
  /**
   * Whether an operator paused the connector. Kept in SQLite, not only in Redis, so that a pause
   * survives Redis losing its data (docs/architecture.md, "Operating: where the API lives, and why").
   */
  connectorState(): ConnectorState;
  setConnectorState(state: ConnectorState): void;
}

/**
 * The key of a table's connector state: each table of a database is a connector of its own, so a
 * pause of one is not a pause of the others.
 */
export const connectorStateKey = (table: string) => `connectorState:${table}`;

export function outboxMeta(db: Database, table: string): OutboxMeta {
  const instance = db.prepare<[], { value: string }>("SELECT value FROM outbox_meta WHERE key = 'instanceId'");
  const state = db.prepare<[string], { value: string }>('SELECT value FROM outbox_meta WHERE key = ?');
  const setState = db.prepare<[string, string]>(
    'INSERT INTO outbox_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const key = connectorStateKey(table);
  return {
    instanceId: () => {
      const row = instance.get();
      if (!row) throw new Error('outbox_meta has no instanceId: run migrateOutbox first');
      return row.value;
    },
    connectorState: () => (state.get(key)?.value === 'PAUSED' ? 'PAUSED' : 'RUNNING'),
    setConnectorState: (value) => void setState.run(key, value),
  };
}
