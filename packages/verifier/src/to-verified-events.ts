import type { TopicRecord } from './read-topics.ts';
import type { VerifiedEvent } from './verify-events.ts';

/**
 * The verifier's view of Kafka records: identity from the contract's headers. Records without an
 * `id` and `outboxId` header are not outbox events and are left out.
 */
export function toVerifiedEvents(
  records: readonly Pick<TopicRecord, 'partition' | 'offset' | 'key' | 'headers'>[],
): VerifiedEvent[] {
  return records.flatMap((r) =>
    r.headers.id && r.headers.outboxId
      ? [
          {
            partition: r.partition,
            offset: r.offset,
            eventId: r.headers.id,
            aggregateId: r.headers.aggregateId ?? r.key,
            outboxId: Number(r.headers.outboxId),
          },
        ]
      : [],
  );
}
