import type { Config } from '@outbox/config';
import { connectWithRetry, type createKafka, ensureTopics, topicFor, topicsOfTemplate } from '@outbox/kafka';
import type { Logger } from '@outbox/logger';

type Kafka = ReturnType<typeof createKafka>;

/**
 * The connector's event topics (`events`) or dead-letter topics (`dlq`) that exist: one, or with
 * an aggregate-type column one per type that has reached Kafka.
 */
export async function connectorTopics(kafka: Kafka, config: Config, which: 'events' | 'dlq'): Promise<string[]> {
  const { topicTemplate, dlqTopicTemplate } = config.kafka;
  const template = which === 'events' ? topicTemplate : dlqTopicTemplate;
  if (config.outbox.routeByField === undefined) return [topicFor(template, config.outbox.aggregateType)];
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await topicsOfTemplate(admin, template, which === 'events' ? dlqTopicTemplate : undefined);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Makes topics exist before the first send to them, each asked of the broker once per process:
 * a table with an aggregate-type column names its topics only in its rows.
 */
export function topicMaker(kafka: Kafka, config: Config): (topics: readonly string[]) => Promise<void> {
  const known = new Set<string>();
  return async (topics) => {
    const unknown = topics.filter((topic) => !known.has(topic));
    if (unknown.length === 0) return;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, unknown, {
        create: config.kafka.createTopics,
        partitions: config.kafka.topicPartitions,
        replicationFactor: config.kafka.topicReplicationFactor,
      });
    } finally {
      await admin.disconnect();
    }
    for (const topic of unknown) known.add(topic);
  };
}

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
