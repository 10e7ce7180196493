import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';

/** Commit→visible latency, as a consumer sees it: from each event's `occurredAt` to its arrival. */
export interface VisibilityProbe {
  /** Resolves once the consumer has read `events` distinct events in all: it reads live from then on. */
  readAtLeast(events: number): Promise<void>;
  /**
   * Once `events` distinct events were read in all (or 30 s passed): the latencies in ms of the
   * events after `afterOutboxId`, each at its first arrival, sorted.
   */
  stop(events: number): Promise<number[]>;
}

/**
 * A `read_committed` consumer reading `topic` live while a steady stage runs. The broker's append
 * time is the end point of the stage's main latency, but a record written in a transaction becomes
 * readable only when the transaction commits (exactly-once delivery), so that is measured here, on
 * arrival at a consumer that waits at most 20 ms for new records (what such a consumer would see).
 */
export async function startVisibilityProbe(kafka: Kafka, topic: string, afterOutboxId: number): Promise<VisibilityProbe> {
  const consumer = kafka.consumer({
    groupId: `bench-visibility-${randomBytes(4).toString('hex')}`,
    readUncommitted: false,
    maxWaitTimeInMs: 20,
  });
  const latencies: number[] = [];
  const seen = new Set<number>();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    // No offset commit after each batch: a round trip to the group coordinator before the next fetch.
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const message of batch.messages) {
        const outboxId = Number(message.headers?.outboxId?.toString());
        if (seen.has(outboxId)) continue;
        seen.add(outboxId);
        const occurredAt = Date.parse(message.headers?.occurredAt?.toString() ?? '');
        if (outboxId > afterOutboxId && Number.isFinite(occurredAt)) latencies.push(now - occurredAt);
      }
    },
  });
  const readAtLeast = async (events: number) => {
    const deadline = Date.now() + 30_000;
    while (seen.size < events && Date.now() < deadline) await sleep(50);
  };
  return {
    readAtLeast,
    async stop(events) {
      await readAtLeast(events);
      await consumer.disconnect();
      return latencies.sort((a, b) => a - b);
    },
  };
}
