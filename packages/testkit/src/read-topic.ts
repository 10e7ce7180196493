import { readTopicsToEnd, type TopicRecord } from '@outbox/verifier';
import { Kafka, logLevel } from 'kafkajs';

export type ReceivedEvent = Omit<TopicRecord, 'timestamp'>;

/** Every record of a topic up to its end offsets as they are when called. */
export async function readTopic(brokers: string[], topic: string): Promise<ReceivedEvent[]> {
  const kafka = new Kafka({ brokers, clientId: 'outbox-testkit', logLevel: logLevel.NOTHING });
  const records = await readTopicsToEnd(kafka, [topic]);
  return records.map(({ timestamp: _timestamp, ...record }) => record);
}
