import { CompressionTypes, type Kafka, Partitioners } from 'kafkajs';
import type { CreateProducerClient } from './producer-client.ts';

/** kafkajs' idempotent producer behind the ProducerClient seam. */
export function kafkajsProducerClient(kafka: Kafka, compression: 'none' | 'gzip'): CreateProducerClient {
  const codec = compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  return () => {
    const producer = kafka.producer({
      idempotent: true,
      // kafkajs guarantees order for an idempotent producer only with one request in flight.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Murmur2 on the key, as the Java client: an aggregate's events share one Kafka partition.
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    return {
      connect: () => producer.connect(),
      sendBatch: async (topicMessages) => {
        await producer.sendBatch({ topicMessages, acks: -1, compression: codec });
      },
      close: () => producer.disconnect(),
    };
  };
}
