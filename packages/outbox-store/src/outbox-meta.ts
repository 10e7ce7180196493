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

export function outboxMeta(db: Database): OutboxMeta {
  const instance = db.prepare<[], { value: string }>("SELECT value FROM outbox_meta WHERE key = 'instanceId'");
  const state = db.prepare<[], { value: string }>("SELECT value FROM outbox_meta WHERE key = 'connectorState'");
  const setState = db.prepare<[string]>(
    "INSERT INTO outbox_meta (key, value) VALUES ('connectorState', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );
  return {
    instanceId: () => {
      const row = instance.get();
      if (!row) throw new Error('outbox_meta has no instanceId: run migrateOutbox first');
      return row.value;
    },
    connectorState: () => (state.get()?.value === 'PAUSED' ? 'PAUSED' : 'RUNNING'),
    setConnectorState: (value) => void setState.run(value),
  };
}
