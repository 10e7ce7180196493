export { classifyKafkaError, type KafkaErrorClass } from './classify-error.ts';
export {
  type CommittedPosition,
  ensurePositionsTopic,
  type PositionsStore,
  positionsStoreOf,
  readCommittedPositions,
  transactionalIdOf,
} from './committed-positions.ts';
export { ConfigTopic, type ConfigTopicOptions } from './config-topic.ts';
export { type ConsumerServiceOptions, createConsumerService } from './consumer-service.ts';
export { createEventProducer } from './create-event-producer.ts';
export {
  type DeadLetterContext,
  deadLetterHeaderPrefix,
  deadLetterHeaders,
  fromDeadLetter,
  replayHeaders,
  toDeadLetter,
} from './dead-letter.ts';
export {
  chunkByBytes,
  EventProducer,
  type EventProducerOptions,
  type EventSender,
  PartlyAcceptedError,
  type TopicMessage,
  toTopicMessages,
} from './event-producer.ts';
export { javaPartition } from './java-partition.ts';
export { connectWithRetry, createKafka, type KafkaSettings } from './kafka-client.ts';
export { kafkaAnswers } from './kafka-probe.ts';
export { securityOptions } from './kafka-security.ts';
export { kafkajsProducerClient } from './kafkajs-producer-client.ts';
export { estimateMessageBytes, toKafkaMessage } from './messages.ts';
export { formatEvent, type PrintEventsOptions, printEvents } from './print-events.ts';
export { type CreateProducerClient, type KafkaClientName, kafkaClients, type ProducerClient } from './producer-client.ts';
export { readTopicsToEnd, type TopicRecord } from './read-topics.ts';
export { securityFailure } from './security-failure.ts';
export { type PartitionOffsets, topicOffsets } from './topic-offsets.ts';
export { type EnsureTopicsOptions, ensureTopics, topicFor, topicsOfTemplate } from './topics.ts';
export {
  FencedError,
  isFenced,
  type OpenTransaction,
  TransactionalPartition,
  type TransactionalPartitionOptions,
} from './transactional-partition.ts';
