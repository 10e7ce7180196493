import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';

/** Commit→visible latency, as a consumer sees it: from each event's `occurredAt` to its arrival. */
export interface VisibilityProbe {
  /** Resolves once the consumer has read `records` records in all: it reads live from then on. */
  readAtLeast(records: number): Promise<void>;
  /** Once `records` were read in all (or 30 s passed): the latencies in ms of the events after `afterOutboxId`, sorted. */
  stop(records: number): Promise<number[]>;
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
  let read = 0;
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    // No offset commit after each batch: a round trip to the group coordinator before the next fetch.
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      read += batch.messages.length;
      for (const message of batch.messages) {
        const outboxId = Number(message.headers?.outboxId?.toString());
        const occurredAt = Date.parse(message.headers?.occurredAt?.toString() ?? '');
        if (outboxId > afterOutboxId && Number.isFinite(occurredAt)) latencies.push(now - occurredAt);
      }
    },
  });
  const readAtLeast = async (records: number) => {
    const deadline = Date.now() + 30_000;
    while (read < records && Date.now() < deadline) await sleep(50);
  };
  return {
    readAtLeast,
    async stop(records) {
      await readAtLeast(records);
      await consumer.disconnect();
      return latencies.sort((a, b) => a - b);
    },
  };
}
