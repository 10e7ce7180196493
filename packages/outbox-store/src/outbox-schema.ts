import { randomUUID } from 'node:crypto';
import { quoteIdentifier } from './identifiers.ts';
import { type Migration, runMigrations } from './migrations.ts';
import type { Database } from './open-database.ts';
import { connectorStateKey } from './outbox-meta.ts';
import { type OutboxTable, toOutboxTable } from './outbox-table.ts';

function outboxMigrations(shape: OutboxTable): Migration[] {
  const table = shape.name;
  const t = quoteIdentifier(table);
  const c = shape.columns;
  const q = quoteIdentifier;
  // A table with an aggregate-type column gets one when this creates it.
  const typeColumn = shape.aggregateTypeColumn ? `,\n          ${q(shape.aggregateTypeColumn)} TEXT NOT NULL` : '';
  return [
    {
      version: 1,
      name: 'create outbox table',
      up: (db) => {
        // AUTOINCREMENT is load-bearing: without it SQLite hands out max(id)+1, so once the outbox
        // has been emptied a new event could get an id the capture cursor has already passed.
        // eventId has no index on purpose: ids are random UUIDs (122 random bits), and an index
        // on them made every delete touch a random page — 20× slower deletes, measured.
        // A table that exists already (one of another shape, Debezium's say) is read as it is.
        db.exec(`CREATE TABLE IF NOT EXISTS ${t} (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          ${q(c.eventId)} TEXT NOT NULL,
          ${q(c.aggregateId)} TEXT NOT NULL,
          ${q(c.eventType)} TEXT NOT NULL,
          ${q(c.payload)} TEXT NOT NULL,
          ${q(c.occurredAt)} TEXT NOT NULL,
          ${q(c.traceparent)} TEXT${typeColumn}
        )`);
        // Identifies this database file, so state kept in Redis for another file is never applied to it.
        db.exec('CREATE TABLE IF NOT EXISTS outbox_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
        db.prepare("INSERT OR IGNORE INTO outbox_meta (key, value) VALUES ('instanceId', ?)").run(randomUUID());
      },
    },
    {
      version: 2,
      name: 'create dead-letter table',
      // Events too large even for the dead-letter topic go there without their value; their
      // payload is kept here instead of being deleted with the outbox row.
      up: (db) =>
        db.exec(`CREATE TABLE ${quoteIdentifier(`${table}_dead_letters`)} (
          id INTEGER PRIMARY KEY,
          eventId TEXT NOT NULL,
          aggregateId TEXT NOT NULL,
          eventType TEXT NOT NULL,
          payload TEXT NOT NULL,
          occurredAt TEXT NOT NULL,
          traceparent TEXT,
          deadLetteredAt TEXT NOT NULL
        )`),
    },
    {
      version: 3,
      name: 'create dead-letter replay table',
      // One row per dead letter an operator replayed to its original topic, so a replay of "all"
      // never sends one twice and the dead-letter list shows which ones went back.
      up: (db) =>
        db.exec(`CREATE TABLE ${quoteIdentifier(`${table}_dlq_replays`)} (
          eventId TEXT PRIMARY KEY,
          outboxId INTEGER NOT NULL,
          topic TEXT NOT NULL,
          replayedAt TEXT NOT NULL,
          replayedBy TEXT
        )`),
    },
    {
      version: 4,
      name: 'dead letters keep their aggregate type',
      // A table with an aggregate-type column sends each type's dead letters to a topic of its own.
      up: (db) => db.exec(`ALTER TABLE ${quoteIdentifier(`${table}_dead_letters`)} ADD COLUMN aggregateType TEXT`),
    },
    {
      version: 5,
      name: 'connector state per table',
      // The pause was kept once per database while a database had one connector; the first table
      // migrated (at the upgrade, the only one) takes it over, so a paused connector stays paused.
      up: (db) => db.prepare("UPDATE outbox_meta SET key = ? WHERE key = 'connectorState'").run(connectorStateKey(table)),
    },
  ];
}

/**
 * Creates or upgrades the outbox table and the metadata it needs. A table of another shape that
 * exists already is left as it is; only the project's own tables are made beside it.
 */
export function migrateOutbox(db: Database, table: string | OutboxTable): void {
  const shape = toOutboxTable(table);
  runMigrations(db, `outbox:${shape.name}`, outboxMigrations(shape));
}
