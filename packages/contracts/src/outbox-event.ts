/**
 * One committed event as stored in an outbox table, as the pipeline carries it from the capture
 * worker through a job to a publisher (rows are normalized when read: see the outbox-store's
 * normalize-row.ts).
 */
export interface OutboxRow {
  /** Monotonic: AUTOINCREMENT, assigned at commit under SQLite's single writer, so id order is commit order. */
  id: number;
  /**
   * What kind of aggregate the event is about; it names the event's topic. The table's own
   * (`users` for `users_outbox`) unless the table has an aggregate-type column.
   */
  aggregateType: string;
  /** Unique per event and stable across retries; the `id` header in Kafka. */
  eventId: string;
  aggregateId: string;
  eventType: string;
  /** JSON text, sent to Kafka exactly as stored. */
  payload: string;
  /** ISO-8601 time the writer committed the event. */
  occurredAt: string;
  /** W3C trace context of the request that wrote it, when there was one. */
  traceparent: string | null;
  /** Values of the table's extra columns sent as Kafka headers, by header name (none by default). */
  headers?: Record<string, string>;
  /**
   * Set when the row cannot be carried as it is (a NULL in a required column, bytes that are not
   * UTF-8): what is wrong with it. Such a row is dead-lettered, never sent to its topic.
   */
  invalid?: string;
  /** The payload's bytes, base64, when they are not UTF-8 text (only on an `invalid` row). */
  payloadBase64?: string;
}

/** What a scan of the outbox needs to place a row in its partition and know it again, without its payload. */
export type OutboxKey = Pick<OutboxRow, 'id' | 'eventId' | 'aggregateId'>;

/** An outbox row on its way to Kafka: everything a publisher needs, so it never opens the database. */
export type OutboxEvent = OutboxRow;
