import { readTopicsToEnd, type TopicRecord } from '@outbox/verifier';
import { Kafka, logLevel } from 'kafkajs';

export type ReceivedEvent = Omit<TopicRecord, 'timestamp'>;

/**
 * Every record of a topic up to its end offsets as they are when called, read as a consumer with
 * `isolation` would (read_committed by default).
 */
export async function readTopic(
  brokers: string[],
  topic: string,
  isolation: 'read_committed' | 'read_uncommitted' = 'read_committed',
): Promise<ReceivedEvent[]> {
  const kafka = new Kafka({ brokers, clientId: 'outbox-testkit', logLevel: logLevel.NOTHING });
  const records = await readTopicsToEnd(kafka, [topic], { isolation });
  return records.map(({ timestamp: _timestamp, ...record }) => record);
}
