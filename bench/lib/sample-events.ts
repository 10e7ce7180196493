import { randomUUID } from 'node:crypto';
import type { OutboxEvent } from '@outbox/contracts';
import { toKafkaMessage } from '@outbox/kafka';
import type { Message } from 'kafkajs';

/** Events shaped like the writer's `UserRenamed`, for the raw-producer stages. */
export function sampleEvents(count: number, aggregates = 1000): OutboxEvent[] {
  const now = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => {
    const id = 1 + (i % aggregates);
    return {
      id: i + 1,
      aggregateType: 'users',
      eventId: randomUUID(),
      aggregateId: String(id),
      eventType: 'UserRenamed',
      payload: JSON.stringify({ id, name: `user-${id}-v${i}`, createdAt: now, updatedAt: now }),
      occurredAt: now,
      traceparent: null,
    };
  });
}

export function sampleMessages(count: number): Message[] {
  return sampleEvents(count).map((e) => toKafkaMessage(e));
}

/** The average payload size, so Kafka's own perf test sends records of the same size. */
export function averagePayloadBytes(events: OutboxEvent[]): number {
  return Math.round(events.reduce((n, e) => n + Buffer.byteLength(e.payload), 0) / Math.max(1, events.length));
}
