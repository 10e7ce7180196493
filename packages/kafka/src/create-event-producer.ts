import type { EventTracer } from '@outbox/contracts';
import type { Logger } from '@outbox/logger';
import type { Kafka } from 'kafkajs';
import { EventProducer } from './event-producer.ts';
import type { KafkaSettings } from './kafka-security.ts';
import { kafkajsProducerClient } from './kafkajs-producer-client.ts';
import { tracedProducerClients } from './traced-producer-client.ts';

/**
 * The event producer over the configured client (`KAFKA_CLIENT`). `kafka` is the process's kafkajs
 * client, used for sending only when kafkajs is the configured one. @platformatic/kafka is loaded
 * only when it is the one: its modules (ajv, avsc, a WebAssembly module) cost each process about
 * 50 MB of resident memory. With a `tracer`, each message's send is traced (tracedProducerClients).
 */
export async function createEventProducer(
  settings: KafkaSettings,
  kafka: Kafka,
  logger: Logger,
  tracer?: EventTracer,
): Promise<EventProducer> {
  const createClient =
    settings.client === 'platformatic'
      ? (await import('./platformatic-producer-client.ts')).platformaticProducerClient(settings)
      : kafkajsProducerClient(kafka, settings.compression);
  return new EventProducer({
    createClient: tracer ? tracedProducerClients(createClient, tracer) : createClient,
    logger: logger.child({ component: 'producer', client: settings.client }),
    maxBatchBytes: settings.maxBatchBytes,
  });
}
