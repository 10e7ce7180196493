import { randomUUID } from 'node:crypto';
import { quoteIdentifier } from './identifiers.ts';
import { type Migration, runMigrations } from './migrations.ts';
import type { Database } from './open-database.ts';

function outboxMigrations(table: string): Migration[] {
  const t = quoteIdentifier(table);
  return [
    {
      version: 1,
      name: 'create outbox table',
      up: (db) => {
        // AUTOINCREMENT is load-bearing: without it SQLite hands out max(id)+1, so once the outbox
        // has been emptied a new event could get an id the capture cursor has already passed.
        // eventId has no index on purpose: ids are random UUIDs (122 random bits), and an index
        // on them made every delete touch a random page — 20× slower deletes, measured.
        db.exec(`CREATE TABLE ${t} (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          eventId TEXT NOT NULL,
          aggregateId TEXT NOT NULL,
          eventType TEXT NOT NULL,
          payload TEXT NOT NULL,
          occurredAt TEXT NOT NULL,
          traceparent TEXT
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
  ];
}

/** Creates or upgrades the outbox table `table` and the metadata it needs. */
export function migrateOutbox(db: Database, table: string): void {
  runMigrations(db, `outbox:${table}`, outboxMigrations(table));
}
