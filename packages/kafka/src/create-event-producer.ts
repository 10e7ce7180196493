import type { Logger } from '@outbox/logger';
import type { Kafka } from 'kafkajs';
import { EventProducer } from './event-producer.ts';
import type { KafkaSettings } from './kafka-security.ts';
import { kafkajsProducerClient } from './kafkajs-producer-client.ts';
import { platformaticProducerClient } from './platformatic-producer-client.ts';

/**
 * The event producer over the configured client (`KAFKA_CLIENT`). `kafka` is the process's kafkajs
 * client, used for sending only when kafkajs is the configured one.
 */
export function createEventProducer(settings: KafkaSettings, kafka: Kafka, logger: Logger): EventProducer {
  const createClient =
    settings.client === 'platformatic'
      ? platformaticProducerClient(settings)
      : kafkajsProducerClient(kafka, settings.compression);
  return new EventProducer({
    createClient,
    logger: logger.child({ component: 'producer', client: settings.client }),
    maxBatchBytes: settings.maxBatchBytes,
  });
}
