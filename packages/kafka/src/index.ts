export { createKafka, connectWithRetry, type KafkaSettings } from './kafka-client.ts';
export { topicFor, ensureTopics, type EnsureTopicsOptions } from './topics.ts';
export { toKafkaMessage, estimateMessageBytes } from './messages.ts';
export { EventProducer, type EventProducerOptions } from './event-producer.ts';
export { classifyKafkaError, type KafkaErrorClass } from './classify-error.ts';
export { printEvents, formatEvent, type PrintEventsOptions } from './print-events.ts';
export { createConsumerService, type ConsumerServiceOptions } from './consumer-service.ts';
