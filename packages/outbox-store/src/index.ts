export { appendOutboxEvent, type NewOutboxEvent } from './append-outbox-event.ts';
export { acquireCaptureLock, type CaptureLock } from './capture-lock.ts';
export { createDeadLetterStore, type DeadLetterReplay, type DeadLetterStore } from './dead-letter-store.ts';
export { quoteIdentifier } from './identifiers.ts';
export { type Migration, runMigrations } from './migrations.ts';
export { normalizeOutboxRow, type RawOutboxRow, type SqliteValue } from './normalize-row.ts';
export { type DeleterSettings, type OffThreadDeleter, startOffThreadDeleter } from './off-thread-deleter.ts';
export { type Database, type OpenDatabaseOptions, openDatabase } from './open-database.ts';
export { migrateOutbox } from './outbox-schema.ts';
export {
  type AckedEvent,
  type ConnectorState,
  createOutboxStore,
  type OutboxStats,
  type OutboxStore,
  readOutboxDepth,
} from './outbox-store.ts';
export {
  aggregateTypeOfTable,
  defaultColumns,
  type HeaderColumn,
  type OutboxColumns,
  type OutboxTable,
  toOutboxTable,
} from './outbox-table.ts';
