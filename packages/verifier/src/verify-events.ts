/** What the verifier needs of one Kafka record: where it sits, and the event's identity headers. */
export interface VerifiedEvent {
  /** Aggregates are per topic: `users` 7 and `orders` 7 are two aggregates. @defaultValue one topic */
  topic?: string;
  partition: number;
  offset: string;
  /** The `id` header: unique per event, the same on a duplicate. */
  eventId: string;
  aggregateId: string;
  /** The `outboxId` header: commit order only while outbox ids are never re-used. */
  outboxId: number;
}

export interface VerifyInput {
  /** Records of the event topic(s), in any order; they are put in Kafka order here. */
  events: readonly VerifiedEvent[];
  /** Records of the dead-letter topic(s): reported apart, never as lost. */
  deadLetters?: readonly VerifiedEvent[];
  /**
   * Every committed event id, in commit order (e.g. from `outbox load --ids-file`). Without it
   * nothing is "lost", and order is judged by the `outboxId` header instead.
   */
  committed?: readonly string[];
}

export interface OutOfOrder {
  eventId: string;
  outboxId: number;
  /** The event of the same aggregate, committed later, that Kafka had before it. */
  afterEventId: string;
  after: number;
}

export interface AggregateProblem {
  aggregateId: string;
  events: number;
  duplicates: number;
  /** First occurrences committed before an event of their aggregate that Kafka had earlier. */
  outOfOrder: OutOfOrder[];
}

export interface VerifyReport {
  records: number;
  uniqueEvents: number;
  aggregates: number;
  duplicates: number;
  outOfOrder: number;
  /** Event ids of the dead letters, by outbox id. */
  deadLettered: string[];
  /** Committed event ids found neither in the topics nor in the dead letters, in commit order. */
  lost: string[];
  /** Only the aggregates with a duplicate or an order violation. */
  problems: AggregateProblem[];
  /** Whether the committed events were given, so that `lost` means something. */
  checkedLoss: boolean;
}

interface Highest {
  rank: number;
  event: VerifiedEvent;
}

/**
 * Audits what reached Kafka: per aggregate, duplicates (an event id seen again) and order
 * violations (once duplicates are dropped, first occurrence counts, commit order must hold in
 * Kafka order), and overall the committed events that never arrived.
 *
 * Identity is the event id, never the outbox id: a database restored from an older backup, or an
 * explicit insert, re-uses outbox ids for new events, and matching by outbox id would then take
 * one event's delivery for another's and hide a loss. For the same reason commit order comes from
 * the committed list when there is one; the `outboxId` header is only the fallback.
 */
export function verifyEvents(input: VerifyInput): VerifyReport {
  const sorted = [...input.events].sort(
    (a, b) => (a.topic ?? '').localeCompare(b.topic ?? '') || a.partition - b.partition || compareOffsets(a.offset, b.offset),
  );
  const position = input.committed && commitPositions(input.committed);
  // An event missing from the committed list (not expected, but possible with a partial list)
  // cannot be ranked; it is left out of the order check rather than reported on a guess.
  const rankOf = (event: VerifiedEvent) => (position ? position.get(event.eventId) : event.outboxId);
  const seen = new Set<string>();
  const byAggregate = new Map<string, AggregateProblem & { highest?: Highest }>();
  let duplicates = 0;
  let outOfOrder = 0;

  for (const event of sorted) {
    const key = event.topic ? `${event.topic}/${event.aggregateId}` : event.aggregateId;
    let aggregate = byAggregate.get(key);
    if (!aggregate) {
      aggregate = { aggregateId: key, events: 0, duplicates: 0, outOfOrder: [] };
      byAggregate.set(key, aggregate);
    }
    if (seen.has(event.eventId)) {
      duplicates += 1;
      aggregate.duplicates += 1;
      continue;
    }
    seen.add(event.eventId);
    aggregate.events += 1;
    const rank = rankOf(event);
    if (rank === undefined) continue;
    const highest = aggregate.highest;
    if (highest && rank < highest.rank) {
      outOfOrder += 1;
      aggregate.outOfOrder.push({
        eventId: event.eventId,
        outboxId: event.outboxId,
        afterEventId: highest.event.eventId,
        after: highest.event.outboxId,
      });
    } else {
      aggregate.highest = { rank, event };
    }
  }

  const letters = [...(input.deadLetters ?? [])].sort((a, b) => a.outboxId - b.outboxId);
  const deadLettered = [...new Set(letters.map((d) => d.eventId))];
  const dead = new Set(deadLettered);
  const lost = [...new Set((input.committed ?? []).filter((id) => !seen.has(id) && !dead.has(id)))];
  return {
    records: input.events.length,
    uniqueEvents: seen.size,
    aggregates: byAggregate.size,
    duplicates,
    outOfOrder,
    deadLettered,
    lost,
    problems: [...byAggregate.values()]
      .filter((a) => a.duplicates > 0 || a.outOfOrder.length > 0)
      .map(({ highest: _highest, ...problem }) => problem),
    checkedLoss: input.committed !== undefined,
  };
}

/** Each event id's place in commit order; an id listed twice keeps its first place. */
function commitPositions(committed: readonly string[]): Map<string, number> {
  const position = new Map<string, number>();
  for (const [index, id] of committed.entries()) if (!position.has(id)) position.set(id, index);
  return position;
}

function compareOffsets(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
