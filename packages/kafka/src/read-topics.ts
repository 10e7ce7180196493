import { randomBytes } from 'node:crypto';
import { OutboxError } from '@outbox/errors';
import type { Kafka } from 'kafkajs';
import { topicOffsets } from './topic-offsets.ts';

/** Which records of Kafka transactions a read sees, as a consumer's isolation.level. */
export type ReadIsolation = 'read_committed' | 'read_uncommitted';

export interface TopicRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: string;
  headers: Record<string, string>;
  /** Broker or producer timestamp, in ms. */
  timestamp: number;
}

/**
 * Reads topics from the beginning to their end offsets as they are when called, and returns
 * every record. It ends when it has reached those offsets — not after a quiet period — so a
 * verification never mistakes a slow consumer for a lost event. Missing topics read as empty,
 * unless `requireTopics` is set: then they are a `TOPIC_MISSING` error naming them.
 * A record without a value (a tombstone, or a dead letter too large to keep its value) reads as ''.
 *
 * On topics written in Kafka transactions the end offsets are the last stable offsets, in either
 * isolation: kafkajs' admin asks for them read committed. Records of a transaction still open when
 * the read starts are not read, and the read does not wait for it to end.
 */
export async function readTopicsToEnd(
  kafka: Kafka,
  topics: readonly string[],
  options: {
    timeoutMs?: number;
    onProgress?: (records: number) => void;
    /** Names the throwaway consumer group, so the broker shows who reads. @defaultValue 'outbox-verify' */
    groupPrefix?: string;
    /**
     * Whether a topic that does not exist is an error rather than empty: an audit of a mistyped
     * topic must not pass as "nothing lost". A dead-letter topic is rightly missing until the
     * first dead letter. @defaultValue false
     */
    requireTopics?: boolean;
    /**
     * `read_committed` leaves out the records of aborted transactions, as the topics' consumers
     * would (kafkajs' consumer default); `read_uncommitted` reads them too. @defaultValue 'read_committed'
     */
    isolation?: ReadIsolation;
  } = {},
): Promise<TopicRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const remaining = new Map<string, bigint>();
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    const missing = topics.filter((t) => !existing.has(t));
    if (options.requireTopics && missing.length > 0) {
      const which = missing.length === 1 ? `topic ${missing[0]} does not exist` : `topics ${missing.join(', ')} do not exist`;
      throw new OutboxError(`Kafka ${which}`, { code: 'TOPIC_MISSING' });
    }
    for (const topic of present) {
      for (const o of await topicOffsets(kafka, topic)) {
        if (o.high !== o.low) remaining.set(`${topic}/${o.partition}`, BigInt(o.high));
      }
    }
    if (remaining.size === 0) return [];
    // A throwaway group: the reader must start at the beginning and must not move anyone's offsets.
    const groupId = `${options.groupPrefix ?? 'outbox-verify'}-${randomBytes(6).toString('hex')}`;
    try {
      return await consumeToEnd(kafka, groupId, present, remaining, options);
    } finally {
      // Read after read would otherwise leave a group behind each time.
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  } finally {
    await admin.disconnect();
  }
}

async function consumeToEnd(
  kafka: Kafka,
  groupId: string,
  present: readonly string[],
  remaining: Map<string, bigint>,
  options: { timeoutMs?: number; onProgress?: (records: number) => void; isolation?: ReadIsolation },
): Promise<TopicRecord[]> {
  const records: TopicRecord[] = [];
  const consumer = kafka.consumer({
    groupId,
    maxBytes: 16 * 1024 * 1024,
    readUncommitted: options.isolation === 'read_uncommitted',
  });
  let timer: NodeJS.Timeout | undefined;
  let stopListening: (() => void) | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({
      topics: present.filter((t) => [...remaining.keys()].some((k) => k.startsWith(`${t}/`))),
      fromBeginning: true,
    });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`reading ${present.join(', ')} timed out after ${records.length} records`)),
        options.timeoutMs ?? 120_000,
      );
      // Where a partition ends is judged here, not in eachBatch: kafkajs never calls eachBatch for a
      // fetch whose records were all filtered out (transaction markers, and read committed, aborted
      // records), so a partition whose tail is such a fetch would never end there. It still moves
      // past them and reports this event, as after every batch it hands out; `lastOffset` counts the
      // markers too.
      stopListening = consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const key = `${payload.topic}/${payload.partition}`;
        const high = remaining.get(key);
        if (high !== undefined && BigInt(payload.lastOffset) + 1n >= high) remaining.delete(key);
        if (remaining.size === 0) resolve();
      });
      void consumer
        .run({
          // Nothing to remember: the group is deleted once the topics are read.
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const high = remaining.get(`${batch.topic}/${batch.partition}`);
            for (const message of batch.messages) {
              if (high === undefined || BigInt(message.offset) >= high) break;
              const headers: Record<string, string> = {};
              for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = value?.toString() ?? '';
              records.push({
                topic: batch.topic,
                partition: batch.partition,
                offset: message.offset,
                key: message.key?.toString() ?? '',
                value: message.value?.toString() ?? '',
                headers,
                timestamp: Number(message.timestamp),
              });
            }
            options.onProgress?.(records.length);
          },
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    stopListening?.();
    // Leaves the group first: only an empty group can be deleted.
    await consumer.disconnect();
  }
  return records;
}
