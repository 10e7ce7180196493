import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { isLeadershipMoving } from './classify-error.ts';

/** Where one partition's records start and end (the next offset to be written). */
export interface PartitionOffsets {
  partition: number;
  low: string;
  high: string;
}

/**
 * A topic's start and end offsets per partition, in partition order: a metadata request and two
 * offset requests, no consumer group, so it is cheap enough to ask before every read to see
 * whether anything changed. A missing topic has none (asked first: fetchTopicOffsets would retry
 * for seconds on it).
 *
 * While a partition's leadership moves (a broker stopped or came back), the brokers answer "no
 * leader" or "not the leader" for a moment, and kafkajs gives up on the first such answer: the
 * question is asked again, each time with a new admin client and so fresh metadata, for up to
 * `leaderWaitMs`.
 */
export async function topicOffsets(
  kafka: Kafka,
  topic: string,
  { leaderWaitMs = 30_000 }: { leaderWaitMs?: number } = {},
): Promise<PartitionOffsets[]> {
  const deadline = Date.now() + leaderWaitMs;
  for (let pause = 100; ; pause = Math.min(pause * 2, 1000)) {
    try {
      return await topicOffsetsOnce(kafka, topic);
    } catch (error) {
      if (!isLeadershipMoving(error) || Date.now() + pause > deadline) throw error;
      await sleep(pause);
    }
  }
}

async function topicOffsetsOnce(kafka: Kafka, topic: string): Promise<PartitionOffsets[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return [];
    return (await admin.fetchTopicOffsets(topic))
      .map(({ partition, low, high }) => ({ partition, low, high }))
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}
