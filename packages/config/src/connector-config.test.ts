import { describe, expect, it } from 'vitest';
import { connectorSettingsOf, parseConnectorConfig } from './connector-config.ts';
import { loadConfig } from './load-config.ts';

const worker = loadConfig({ env: { KAFKA_BROKERS: 'kafka-1:9092', OUTBOX_PUBLISHER_NAME: 'pub-1', OUTBOX_PARTITIONS: '4' } });

describe('connector configs', () => {
  it("takes the connector's own settings, with the usual defaults, and the worker's for the rest", () => {
    const parsed = parseConnectorConfig(worker, 'orders', {
      'connector.class': 'outbox',
      'sqlite.path': '/data/shop.sqlite',
      'outbox.table': 'outbox',
      'outbox.routeByField': 'aggregatetype',
      'pipeline.partitions': '8',
      'publisher.onPoison': 'halt',
      'kafka.topicTemplate': 'shop.{aggregateType}',
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const { config } = parsed;
    expect(config.connector.name).toBe('orders');
    expect(config.outbox.shape).toMatchObject({ name: 'outbox', aggregateTypeColumn: 'aggregatetype', aggregateType: 'outbox' });
    expect(config.pipeline.partitions).toBe(8);
    expect(config.capture.batchSize).toBe(2000);
    expect(config.publisher).toMatchObject({ onPoison: 'halt', name: 'pub-1' });
    expect(config.kafka).toMatchObject({ brokers: ['kafka-1:9092'], topicTemplate: 'shop.{aggregateType}' });
    // What GET …/config shows parses back to the same connector.
    const again = parseConnectorConfig(worker, 'orders', connectorSettingsOf(config));
    expect(again.ok && again.config).toEqual(config);
  });

  it('reports every bad key at once, and unknown ones with a suggestion', () => {
    const parsed = parseConnectorConfig(worker, 'Orders!', {
      'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
      name: 'other',
      'pipeline.partitions': '0',
      'outbox.tabel': 'outbox',
      'kafka.brokers': 'elsewhere:9092',
      'publisher.onPoison': 'ignore',
    });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems.map((p) => p.key).sort()).toEqual([
      'connector.class',
      'kafka.brokers',
      'name',
      'name',
      'outbox.tabel',
      'pipeline.partitions',
      'publisher.onPoison',
    ]);
    expect(!parsed.ok && parsed.problems.find((p) => p.key === 'outbox.tabel')?.message).toContain('did you mean outbox.table?');
  });
});
