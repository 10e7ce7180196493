import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

export interface ReceivedEvent {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * Reads a topic from the beginning up to its end offsets as they are when called, and returns
 * every record — ends when it has them all, not after a quiet period.
 */
export async function readTopic(
  brokers: string[],
  topic: string,
  options: { timeoutMs?: number } = {},
): Promise<ReceivedEvent[]> {
  const kafka = new Kafka({ brokers, clientId: 'outbox-testkit', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(offsets.filter((o) => o.high !== o.low).map((o) => [o.partition, BigInt(o.high)]));
  const events: ReceivedEvent[] = [];
  if (remaining.size === 0) return events;

  const consumer = kafka.consumer({ groupId: `testkit-${randomBytes(6).toString('hex')}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reading ${topic} timed out with ${events.length} records`)),
        options.timeoutMs ?? 60_000,
      );
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = value?.toString() ?? '';
          events.push({
            topic,
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? '',
            value: message.value?.toString() ?? '',
            headers,
          });
          const high = remaining.get(partition);
          if (high !== undefined && BigInt(message.offset) + 1n >= high) remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return events;
}
