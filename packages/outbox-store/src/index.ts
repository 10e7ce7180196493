export { openDatabase, type Database, type OpenDatabaseOptions } from './open-database.ts';
export { runMigrations, type Migration } from './migrations.ts';
export { migrateOutbox } from './outbox-schema.ts';
export { createOutboxStore, type OutboxStore, type OutboxStats } from './outbox-store.ts';
export { appendOutboxEvent, type NewOutboxEvent } from './append-outbox-event.ts';
export { acquireCaptureLock, type CaptureLock } from './capture-lock.ts';
export { quoteIdentifier } from './identifiers.ts';
export type { OutboxRow } from './outbox-row.ts';
