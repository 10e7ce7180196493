import type { OutboxEvent } from '@outbox/contracts';
import type { Message } from 'kafkajs';

/**
 * The Kafka record of an outbox event (docs/event-format.md, "The Kafka message"; compatible with Debezium's outbox event
 * router): key = aggregate id, value = the payload as stored, and the event's identity in headers.
 */
export function toKafkaMessage(event: OutboxEvent): Message {
  const headers: Record<string, string> = {
    // The table's extra header columns first: the event's own headers are never overwritten.
    ...event.headers,
    id: event.eventId,
    eventType: event.eventType,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    outboxId: String(event.id),
    occurredAt: event.occurredAt,
  };
  if (event.traceparent) headers.traceparent = event.traceparent;
  // A payload that is not UTF-8 (only ever dead-lettered) keeps its bytes as they were stored.
  const value = event.payloadBase64 === undefined ? event.payload : Buffer.from(event.payloadBase64, 'base64');
  return { key: event.aggregateId, value, headers };
}

/** An upper bound of a record's size in a batch, for splitting sends below the broker's limit. */
export function estimateMessageBytes(message: Message): number {
  let bytes = 64 + byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    bytes += 8 + Buffer.byteLength(name) + byteLength(value as string | Buffer | undefined);
  }
  return bytes;
}

function byteLength(value: string | Buffer | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
