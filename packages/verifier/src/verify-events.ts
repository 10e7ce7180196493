/** What the verifier needs of one Kafka record: where it sits, and the event's identity headers. */
export interface VerifiedEvent {
  partition: number;
  offset: string;
  /** The `id` header: unique per event, the same on a duplicate. */
  eventId: string;
  aggregateId: string;
  /** The `outboxId` header: commit order. */
  outboxId: number;
}

export interface VerifyInput {
  /** Records of the event topic(s), in any order; they are put in Kafka order here. */
  events: readonly VerifiedEvent[];
  /** Records of the dead-letter topic(s): reported apart, never as lost. */
  deadLetters?: readonly VerifiedEvent[];
  /** Every committed outbox id (e.g. from `outbox load --ids-file`); without it nothing is "lost". */
  committedIds?: readonly number[];
}

export interface AggregateProblem {
  aggregateId: string;
  events: number;
  duplicates: number;
  /** First occurrences whose outbox id is lower than one seen before them. */
  outOfOrder: { outboxId: number; after: number }[];
}

export interface VerifyReport {
  records: number;
  uniqueEvents: number;
  aggregates: number;
  duplicates: number;
  outOfOrder: number;
  deadLettered: number[];
  /** Committed ids found neither in the topics nor in the dead letters. */
  lost: number[];
  /** Only the aggregates with a duplicate or an order violation. */
  problems: AggregateProblem[];
  /** Whether committed ids were given, so that `lost` means something. */
  checkedLoss: boolean;
}

/**
 * Audits what reached Kafka: per aggregate, duplicates (an event id seen again) and order
 * violations (once duplicates are dropped, first occurrence counts, outbox ids must increase in
 * Kafka order), and overall the committed events that never arrived.
 */
export function verifyEvents(input: VerifyInput): VerifyReport {
  const sorted = [...input.events].sort((a, b) => a.partition - b.partition || compareOffsets(a.offset, b.offset));
  const seen = new Set<string>();
  const published = new Set<number>();
  const byAggregate = new Map<string, AggregateProblem & { highest: number }>();
  let duplicates = 0;
  let outOfOrder = 0;

  for (const event of sorted) {
    let aggregate = byAggregate.get(event.aggregateId);
    if (!aggregate) {
      aggregate = { aggregateId: event.aggregateId, events: 0, duplicates: 0, outOfOrder: [], highest: 0 };
      byAggregate.set(event.aggregateId, aggregate);
    }
    if (seen.has(event.eventId)) {
      duplicates += 1;
      aggregate.duplicates += 1;
      continue;
    }
    seen.add(event.eventId);
    published.add(event.outboxId);
    aggregate.events += 1;
    if (event.outboxId < aggregate.highest) {
      outOfOrder += 1;
      aggregate.outOfOrder.push({ outboxId: event.outboxId, after: aggregate.highest });
    } else {
      aggregate.highest = event.outboxId;
    }
  }

  const deadLettered = [...new Set((input.deadLetters ?? []).map((d) => d.outboxId))].sort((a, b) => a - b);
  const dead = new Set(deadLettered);
  const lost = (input.committedIds ?? []).filter((id) => !published.has(id) && !dead.has(id));
  return {
    records: input.events.length,
    uniqueEvents: seen.size,
    aggregates: byAggregate.size,
    duplicates,
    outOfOrder,
    deadLettered,
    lost: [...new Set(lost)].sort((a, b) => a - b),
    problems: [...byAggregate.values()]
      .filter((a) => a.duplicates > 0 || a.outOfOrder.length > 0)
      .map(({ highest: _highest, ...problem }) => problem),
    checkedLoss: input.committedIds !== undefined,
  };
}

function compareOffsets(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
