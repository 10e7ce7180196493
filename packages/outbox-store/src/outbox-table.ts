/**
 * Where each part of an event is in an outbox table. The defaults are this project's own table
 * (see migrateOutbox); an existing table of another shape — Debezium's outbox table, say — is
 * read as it is by naming its columns (docs/event-format.md, "Tables of another shape").
 */
export interface OutboxColumns {
  /** Unique per event; the `id` header in Kafka (Debezium: `table.field.event.id`). */
  eventId: string;
  /** The Kafka key, and what order is kept by (Debezium: `table.field.event.key`). */
  aggregateId: string;
  /** The `eventType` header (Debezium: `table.field.event.type`). */
  eventType: string;
  /** The Kafka value (Debezium: `table.field.event.payload`). */
  payload: string;
  /** When the event happened; a table without it gets the time the row is captured. */
  occurredAt: string;
  /** The W3C trace context of the request that wrote the row; optional. */
  traceparent: string;
}

/** An extra column carried as a Kafka header (Debezium: `table.fields.additional.placement`). */
export interface HeaderColumn {
  column: string;
  header: string;
}

export interface OutboxTable {
  name: string;
  columns: OutboxColumns;
  /**
   * The column that names each row's aggregate type, and so its topic (Debezium:
   * `route.by.field`). Without it every row has the type `aggregateType`.
   */
  aggregateTypeColumn?: string;
  /** The type of every row when there is no aggregate-type column, and of a row whose column is NULL. */
  aggregateType: string;
  headerColumns: HeaderColumn[];
}

export const defaultColumns: OutboxColumns = {
  eventId: 'eventId',
  aggregateId: 'aggregateId',
  eventType: 'eventType',
  payload: 'payload',
  occurredAt: 'occurredAt',
  traceparent: 'traceparent',
};

/** `users_outbox` → `users`: the aggregate type a table stands for when nothing else says. */
export function aggregateTypeOfTable(table: string): string {
  return table.replace(/_outbox$/, '');
}

/** A table given by name alone is this project's own shape. */
export function toOutboxTable(table: string | OutboxTable): OutboxTable {
  if (typeof table !== 'string') return table;
  return { name: table, columns: defaultColumns, aggregateType: aggregateTypeOfTable(table), headerColumns: [] };
}
