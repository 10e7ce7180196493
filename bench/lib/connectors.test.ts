import { describe, expect, it } from 'vitest';
import { connectorSettingsFromEnv } from './connectors.ts';

describe('connector settings for the REST API', () => {
  it("takes the connector's settings from an app environment, leaves the worker's own, and applies overrides", () => {
    const env = {
      OUTBOX_SQLITE_PATH: 'shop.sqlite',
      OUTBOX_CONNECTOR_NAME: 'shop',
      OUTBOX_TOPIC_TEMPLATE: 'bench.x.{aggregateType}',
      OUTBOX_MAX_JOBS_IN_FLIGHT_PER_PARTITION: '4',
      KAFKA_BROKERS: 'localhost:9092',
      REDIS_URL: 'redis://localhost:6379',
      OUTBOX_PUBLISHER_NAME: 'p1',
      PATH: 'bin',
    };
    expect(connectorSettingsFromEnv(env, { 'outbox.table': 'orders_outbox', 'sqlite.path': 'other.sqlite' })).toEqual({
      'connector.class': 'outbox',
      'sqlite.path': 'other.sqlite',
      'kafka.topicTemplate': 'bench.x.{aggregateType}',
      'capture.maxJobsInFlightPerPartition': '4',
      'outbox.table': 'orders_outbox',
    });
  });
});
