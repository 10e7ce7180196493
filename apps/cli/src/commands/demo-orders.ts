import type { Config } from '@outbox/config';
import type { Logger } from '@outbox/logger';
import { ConnectorApiClient } from '@outbox/rest-api/client';

/** The demo's second connector: orders, in an outbox table of their own in the users' database. */
export const ordersConnector = { name: 'orders-outbox', table: 'orders_outbox', aggregateType: 'orders' } as const;

/**
 * Creates (or, run again, keeps) the demo's `orders` connector through the capture worker's REST
 * API, as a user would, and makes its topics exist for the console consumer: its publisher would
 * make them a moment later, but a consumer only subscribes to topics that exist. `place` writes
 * the sample orders, each in one transaction with its event, and says what it wrote.
 */
export async function demoOrders(
  { config, logger }: { config: Config; logger: Logger },
  apiUrl: string,
): Promise<{ usersTopic: string; topic: string; place: (userIds: readonly number[]) => string }> {
  const [
    { createKafka, ensureTopics, topicFor },
    { migrateOutbox, openDatabase },
    { migrateOrders, OrderService, sampleOrders },
  ] = await Promise.all([import('@outbox/kafka'), import('@outbox/outbox-store'), import('@outbox/writer')]);
  const api = new ConnectorApiClient(apiUrl, config.http.token);
  const { topicTemplate, dlqTopicTemplate, createTopics, topicPartitions, topicReplicationFactor } = config.kafka;
  // PUT rather than POST: a second run of the demo finds the connector it created the first time.
  // A connector's settings default to the usual defaults, not the worker's: its topics are named
  // and made like the users' only if the config says so.
  await api.request('PUT', `/connectors/${ordersConnector.name}/config`, {
    'connector.class': 'outbox',
    'sqlite.path': config.sqlite.path,
    'outbox.table': ordersConnector.table,
    'outbox.aggregateType': ordersConnector.aggregateType,
    'kafka.topicTemplate': topicTemplate,
    'kafka.dlqTopicTemplate': dlqTopicTemplate,
    'kafka.createTopics': createTopics,
    'kafka.topicPartitions': topicPartitions,
    'kafka.topicReplicationFactor': topicReplicationFactor,
  });
  const topics = [topicTemplate, dlqTopicTemplate].map((template) => topicFor(template, ordersConnector.aggregateType));
  const admin = createKafka(config.kafka, logger).admin();
  await admin.connect();
  try {
    await ensureTopics(admin, topics, {
      create: createTopics,
      partitions: topicPartitions,
      replicationFactor: topicReplicationFactor,
    });
  } finally {
    await admin.disconnect();
  }
  return {
    usersTopic: topicFor(topicTemplate, config.outbox.aggregateType),
    topic: topics[0] ?? '',
    place: (userIds) => {
      const db = openDatabase(config.sqlite.path, config.sqlite);
      try {
        migrateOrders(db);
        migrateOutbox(db, ordersConnector.table);
        const orders = new OrderService(db, ordersConnector.table);
        for (const [i, order] of sampleOrders.entries()) orders.place({ ...order, userId: userIds[i % userIds.length] ?? 1 });
      } finally {
        db.close();
      }
      return `wrote ${sampleOrders.length} sample orders into ${ordersConnector.table}, which the connector ${ordersConnector.name} (created through the REST API) captures; their events follow too.`;
    },
  };
}
