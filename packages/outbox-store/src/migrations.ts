import type { Database } from './open-database.ts';

export interface Migration {
  version: number;
  name: string;
  up: (db: Database) => void;
}

/**
 * Applies the migrations of one scope (e.g. `outbox:users_outbox`) that this database has not
 * seen yet, each in its own IMMEDIATE transaction, so processes starting together are safe.
 */
export function runMigrations(db: Database, scope: string, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS outbox_schema_migrations (
    scope TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    appliedAt TEXT NOT NULL,
    PRIMARY KEY (scope, version)
  )`);
  const applied = db.prepare<[string, number], { one: 1 }>(
    'SELECT 1 AS one FROM outbox_schema_migrations WHERE scope = ? AND version = ?',
  );
  const record = db.prepare<[string, number, string, string]>(
    'INSERT INTO outbox_schema_migrations (scope, version, name, appliedAt) VALUES (?, ?, ?, ?)',
  );
  const done: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    db.transaction(() => {
      if (applied.get(scope, migration.version)) return;
      migration.up(db);
      record.run(scope, migration.version, migration.name, new Date().toISOString());
      done.push(migration.version);
    }).immediate();
  }
  return done;
}
