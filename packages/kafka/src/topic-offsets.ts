import type { Kafka } from 'kafkajs';

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
 */
export async function topicOffsets(kafka: Kafka, topic: string): Promise<PartitionOffsets[]> {
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
