import type { TopicMessages } from 'kafkajs';

/**
 * The Kafka client underneath {@link EventProducer}: one idempotent producer (acks=all, no topic
 * creation, murmur2 key partitioning as the Java client), sending one request's records at a time.
 * Combining, splitting, outage handling and replacing a producer after a failed request live in
 * EventProducer, once, whichever client is used (kafkajs-producer-client.ts,
 * platformatic-producer-client.ts). Errors are the client's own; classifyKafkaError and
 * isKafkaOutage read both clients' errors.
 */
export interface ProducerClient {
  /** Connects (and logs in); a refused login or TLS handshake rejects here (see securityFailure). */
  connect(): Promise<void>;
  /** Sends the records in order per partition; resolves once Kafka has accepted all of them. */
  sendBatch(topicMessages: TopicMessages[]): Promise<void>;
  close(): Promise<void>;
}

/** Makes a fresh producer: EventProducer replaces its producer after every failed request. */
export type CreateProducerClient = () => ProducerClient;

/** The Kafka clients the publisher can send with (`KAFKA_CLIENT`). */
export const kafkaClients = ['kafkajs', 'platformatic'] as const;
export type KafkaClientName = (typeof kafkaClients)[number];
