import { deadLetterHeaders, type TopicRecord } from '@outbox/kafka';

/** One dead letter as an operator sees it (`outbox dlq list`). */
export interface DeadLetter {
  eventId: string;
  outboxId: number;
  aggregateId: string;
  eventType: string;
  /** Why it was dead-lettered, e.g. `MESSAGE_TOO_LARGE`, `INVALID_PAYLOAD` or `MANUAL`. */
  errorClass: string;
  errorMessage: string;
  attempts: number;
  /** The topic it was meant for, where a replay sends it. */
  originalTopic: string;
  firstFailure: string;
  lastFailure: string;
  /** Where the dead letter sits. */
  dlq: { topic: string; partition: number; offset: string };
  /** Too large even for the dead-letter topic: its payload is kept in SQLite instead. */
  valueDropped: boolean;
  /** The payload's size in bytes. */
  valueSize: number;
  replayed: { at: string; by: string | null; topic: string } | null;
}

/** A dead-letter record's fields, or null for a record that is not an outbox dead letter. */
export function parseDeadLetter(record: TopicRecord): Omit<DeadLetter, 'replayed'> | null {
  const h = record.headers;
  if (!h.id || !h.outboxId || h[deadLetterHeaders.errorClass] === undefined) return null;
  const droppedSize = h[deadLetterHeaders.valueSize];
  return {
    eventId: h.id,
    outboxId: Number(h.outboxId),
    aggregateId: h.aggregateId ?? record.key,
    eventType: h.eventType ?? '',
    errorClass: h[deadLetterHeaders.errorClass] ?? '',
    errorMessage: h[deadLetterHeaders.errorMessage] ?? '',
    attempts: Number(h[deadLetterHeaders.attempts] ?? 0),
    originalTopic: h[deadLetterHeaders.originalTopic] ?? '',
    firstFailure: h[deadLetterHeaders.firstFailure] ?? '',
    lastFailure: h[deadLetterHeaders.lastFailure] ?? '',
    dlq: { topic: record.topic, partition: record.partition, offset: record.offset },
    valueDropped: droppedSize !== undefined,
    valueSize: droppedSize !== undefined ? Number(droppedSize) : Buffer.byteLength(record.value),
  };
}
