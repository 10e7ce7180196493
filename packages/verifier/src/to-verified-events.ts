import { replayHeaders, type TopicRecord } from '@outbox/kafka';
import type { VerifiedEvent } from './verify-events.ts';

/**
 * The verifier's view of Kafka records: identity from the contract's headers. Records without an
 * `id` and `outboxId` header are not outbox events and are left out, and so are replayed dead
 * letters: like dead letters, they are outside the ordering guarantee (they count as dead-lettered).
 */
export function toVerifiedEvents(
  records: readonly Pick<TopicRecord, 'topic' | 'partition' | 'offset' | 'key' | 'headers'>[],
): VerifiedEvent[] {
  return records.flatMap((r) =>
    r.headers.id && r.headers.outboxId && r.headers[replayHeaders.replayed] === undefined
      ? [
          {
            topic: r.topic,
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
