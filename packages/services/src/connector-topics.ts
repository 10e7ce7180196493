import type { Config } from '@outbox/config';
import { connectWithRetry, type createKafka, ensureTopics, topicFor } from '@outbox/kafka';
import type { Logger } from '@outbox/logger';

/**
 * The connector's topic and dead-letter topic exist (created when `createTopics` allows). Connecting
 * and checking are one step, retried: a broker that is down or frozen at start-up is waited for,
 * like every other dependency; a missing topic with creation off is not.
 */
export async function ensureConnectorTopics(
  kafka: ReturnType<typeof createKafka>,
  config: Config,
  logger: Logger,
): Promise<void> {
  const admin = kafka.admin();
  await connectWithRetry(
    'topics',
    async () => {
      await admin.connect();
      try {
        const topics = [config.kafka.topicTemplate, config.kafka.dlqTopicTemplate].map((t) =>
          topicFor(t, config.outbox.aggregateType),
        );
        const created = await ensureTopics(admin, topics, {
          create: config.kafka.createTopics,
          partitions: config.kafka.topicPartitions,
          replicationFactor: config.kafka.topicReplicationFactor,
        });
        if (created.length > 0) logger.info({ topics: created }, 'created Kafka topics');
      } finally {
        await admin.disconnect();
      }
    },
    { kafka: config.kafka, logger },
  );
}
