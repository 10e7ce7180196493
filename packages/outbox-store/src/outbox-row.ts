/** One committed event as stored in an outbox table. */
export interface OutboxRow {
  /** Monotonic: AUTOINCREMENT, assigned at commit under SQLite's single writer, so id order is commit order. */
  id: number;
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
}

/** What a scan of the outbox needs to place a row in its partition, without its payload. */
export type OutboxKey = Pick<OutboxRow, 'id' | 'aggregateId'>;
